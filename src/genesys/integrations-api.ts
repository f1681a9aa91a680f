/**
 * The Genesys Cloud Integrations API calls the setup uses, typed and checked.
 *
 * Shapes and permissions follow the official SDK (`IntegrationsApi.md`, models `Integration`,
 * `IntegrationConfiguration`, `IntegrationEntityListing`, `CreateIntegrationRequest`) and the
 * CX-as-Code Terraform provider (`genesyscloud/integration`):
 *
 * | call | permission |
 * | --- | --- |
 * | `GET /api/v2/integrations` (paginated) | `integrations:integration:view` |
 * | `POST /api/v2/integrations` `{ name, integrationType: { id } }` | `integrations:integration:add` |
 * | `GET /api/v2/integrations/{id}` | `integrations:integration:view` |
 * | `GET /api/v2/integrations/{id}/config/current` | `integrations:integration:view` |
 * | `PUT /api/v2/integrations/{id}/config/current` `{ name, version, properties, advanced, notes, credentials }` | `integrations:integration:edit` |
 * | `PATCH /api/v2/integrations/{id}` `{ intendedState }` | `integrations:integration:edit` |
 */
import { z } from 'zod';
import { GenesysResponseError } from './errors.js';
import type { GenesysHttpClient } from './http-client.js';

/** The integration type of the Amazon EventBridge source. */
export const EVENTBRIDGE_INTEGRATION_TYPE = 'amazon-eventbridge-source';

/** Permissions of the Integrations API calls. */
export const INTEGRATION_PERMISSIONS = Object.freeze({
  view: 'integrations:integration:view',
  add: 'integrations:integration:add',
  edit: 'integrations:integration:edit',
});

const reportedStateSchema = z.looseObject({
  code: z.string().optional(),
  effective: z.string().optional(),
  detail: z.looseObject({ message: z.string().optional() }).optional(),
  lastUpdated: z.string().optional(),
});

const integrationSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().optional(),
  integrationType: z.looseObject({ id: z.string() }).optional(),
  notes: z.string().optional(),
  intendedState: z.string().optional(),
  reportedState: reportedStateSchema.optional(),
});

const listingSchema = z.looseObject({
  entities: z.array(integrationSchema).optional(),
  pageSize: z.number().optional(),
  pageNumber: z.number().optional(),
  pageCount: z.number().optional(),
  total: z.number().optional(),
});

const configSchema = z.looseObject({
  name: z.string().optional(),
  version: z.number(),
  properties: z.record(z.string(), z.unknown()).nullish(),
  advanced: z.record(z.string(), z.unknown()).nullish(),
  notes: z.string().nullish(),
  credentials: z.record(z.string(), z.unknown()).nullish(),
});

/** An integration as listed or read (`Integration` in the SDK). */
export type Integration = z.infer<typeof integrationSchema>;

/** The reported state of an integration (`IntegrationStatusInfo`: code ACTIVE/ACTIVATING/INACTIVE/DEACTIVATING/ERROR, …). */
export type IntegrationReportedState = z.infer<typeof reportedStateSchema>;

/** An integration's current configuration (`IntegrationConfiguration`). */
export interface IntegrationConfig {
  name: string;
  /** Must be sent back unchanged on update; a stale value is a version conflict. */
  version: number;
  properties: Record<string, unknown>;
  advanced: Record<string, unknown>;
  notes: string;
  credentials: Record<string, unknown>;
}

/** Page size of the integrations listing (the CX-as-Code provider uses 100 too). */
const PAGE_SIZE = 100;
/** Guard against a server that never reports the last page. */
const MAX_PAGES = 1000;

/** Typed Integrations API over a {@link GenesysHttpClient}. */
export class IntegrationsApi {
  constructor(private readonly http: GenesysHttpClient) {}

  /** Every integration of the org, all pages (`pageSize` 100, until `pageNumber` reaches `pageCount`). */
  async listIntegrations(): Promise<Integration[]> {
    const all: Integration[] = [];
    for (let pageNumber = 1; pageNumber <= MAX_PAGES; pageNumber++) {
      const path = '/api/v2/integrations';
      const { body } = await this.http.request({
        method: 'GET',
        path,
        query: { pageSize: PAGE_SIZE, pageNumber },
        permission: INTEGRATION_PERMISSIONS.view,
      });
      const page = parse(listingSchema, body, 'GET', path);
      const entities = page.entities ?? [];
      all.push(...entities);
      const pageCount =
        page.pageCount ?? (page.total !== undefined ? Math.ceil(page.total / (page.pageSize || PAGE_SIZE)) : undefined);
      if (entities.length === 0 || (pageCount !== undefined && pageNumber >= pageCount)) return all;
    }
    throw new GenesysResponseError(
      'GET',
      '/api/v2/integrations',
      `more than ${MAX_PAGES} pages; the listing does not end`,
    );
  }

  /** `GET /api/v2/integrations/{id}`. */
  async getIntegration(id: string): Promise<Integration> {
    const path = `/api/v2/integrations/${encodeURIComponent(id)}`;
    const { body } = await this.http.request({ method: 'GET', path, permission: INTEGRATION_PERMISSIONS.view });
    return parse(integrationSchema, body, 'GET', path);
  }

  /**
   * `POST /api/v2/integrations`. Not idempotent: after an ambiguous failure (5xx, lost
   * connection) list again before creating again.
   */
  async createIntegration(name: string, integrationType = EVENTBRIDGE_INTEGRATION_TYPE): Promise<Integration> {
    const path = '/api/v2/integrations';
    const { body } = await this.http.request({
      method: 'POST',
      path,
      body: { name, integrationType: { id: integrationType } },
      permission: INTEGRATION_PERMISSIONS.add,
    });
    return parse(integrationSchema, body, 'POST', path);
  }

  /** `GET /api/v2/integrations/{id}/config/current`. */
  async getConfig(id: string): Promise<IntegrationConfig> {
    const path = `/api/v2/integrations/${encodeURIComponent(id)}/config/current`;
    const { body } = await this.http.request({ method: 'GET', path, permission: INTEGRATION_PERMISSIONS.view });
    return normalizeConfig(parse(configSchema, body, 'GET', path));
  }

  /**
   * `PUT /api/v2/integrations/{id}/config/current` with the full configuration. `config.version`
   * must be the current version; otherwise Genesys answers 409 (`GenesysApiError.isVersionConflict`).
   */
  async putConfig(id: string, config: IntegrationConfig): Promise<IntegrationConfig> {
    const path = `/api/v2/integrations/${encodeURIComponent(id)}/config/current`;
    const { name, version, properties, advanced, notes, credentials } = config;
    const { body } = await this.http.request({
      method: 'PUT',
      path,
      body: { name, version, properties, advanced, notes, credentials },
      permission: INTEGRATION_PERMISSIONS.edit,
    });
    return normalizeConfig(parse(configSchema, body, 'PUT', path));
  }

  /** `PATCH /api/v2/integrations/{id}` `{ intendedState }`. */
  async setIntendedState(id: string, intendedState: 'ENABLED' | 'DISABLED'): Promise<Integration> {
    const path = `/api/v2/integrations/${encodeURIComponent(id)}`;
    const { body } = await this.http.request({
      method: 'PATCH',
      path,
      body: { intendedState },
      permission: INTEGRATION_PERMISSIONS.edit,
    });
    return parse(integrationSchema, body, 'PATCH', path);
  }
}

function normalizeConfig(config: z.infer<typeof configSchema>): IntegrationConfig {
  return {
    name: config.name ?? '',
    version: config.version,
    properties: config.properties ?? {},
    advanced: config.advanced ?? {},
    notes: config.notes ?? '',
    credentials: config.credentials ?? {},
  };
}

/** Parses a response body, or throws a {@link GenesysResponseError} naming the call and the first problem. */
export function parse<T>(schema: z.ZodType<T>, body: unknown, method: string, path: string): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.join('.') : 'body';
  throw new GenesysResponseError(method, path, `${where}: ${issue?.message ?? 'invalid'}`);
}
