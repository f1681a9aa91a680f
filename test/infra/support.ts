/**
 * Helpers for the CDK tests: synthesize a pipeline once per configuration (bundling the real
 * functions with esbuild), list every IAM policy statement of a template, and resolve the state
 * machine definition the template deploys.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { GenesysEventPipeline, type GenesysEventPipelineProps } from '../../infra/index.js';
import { LAMBDA_FUNCTIONS } from '../../src/functions/index.js';
import { projectRoot } from '../support/paths.js';
import { tempDir } from '../support/tmp.js';

/** The context (feature flags) of cdk.json, so tests synthesize exactly as `npm run synth` does. */
export function cdkJsonContext(): Record<string, unknown> {
  return (JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> })
    .context;
}

/** One synthesized configuration. */
export interface Synthesized {
  app: App;
  stack: Stack;
  pipeline: GenesysEventPipeline;
  template: Template;
  /** `validation-report.json` of the cloud assembly (the cdk-nag plugin ran during synth). */
  validationReport: { pluginReports: Array<{ pluginName: string; violations: unknown[] }> };
  /** The cloud assembly's directory (the bundled assets are in `asset.<hash>/`). */
  assemblyDir: string;
}

/**
 * Builds a stack with one pipeline, registers cdk-nag's AwsSolutions pack as the app does, and
 * synthesizes it (which throws if the pack reports any unacknowledged finding). `bundle: false`
 * skips bundling the functions (the template is the same but for the assets' hashes).
 */
export function synthesize(
  props: GenesysEventPipelineProps | ((stack: Stack) => GenesysEventPipelineProps),
  options: { bundle?: boolean } = {},
): Synthesized {
  // `aws:cdk:bundling-stacks: []` skips esbuild (a placeholder asset): for tests of the template
  // only, when another test bundles the same functions.
  const context = { ...cdkJsonContext(), ...(options.bundle === false ? { 'aws:cdk:bundling-stacks': [] } : {}) };
  const app = new App({ outdir: tempDir('gep-cdk-'), context });
  const stack = new Stack(app, 'TestStack');
  const pipeline = new GenesysEventPipeline(stack, 'Pipeline', typeof props === 'function' ? props(stack) : props);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const assembly = app.synth();
  const template = Template.fromJSON(assembly.getStackByName(stack.stackName).template as Record<string, unknown>);
  const reportPath = join(assembly.directory, 'validation-report.json');
  const validationReport = existsSync(reportPath)
    ? (JSON.parse(readFileSync(reportPath, 'utf8')) as Synthesized['validationReport'])
    : { pluginReports: [] };
  return { app, stack, pipeline, template, validationReport, assemblyDir: assembly.directory };
}

/** The logical id of a construct's CloudFormation resource (the construct itself for an L1). */
export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const resource = CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild;
  if (!resource || !CfnElement.isCfnElement(resource))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.getLogicalId(resource);
}

/** A policy statement found in a template, with where it came from. */
export interface FoundStatement {
  /** Logical id of the resource holding it. */
  resource: string;
  type: string;
  /** For an AWS::IAM::Policy: the logical ids of the roles it is attached to. */
  roles: string[];
  statement: {
    Effect: string;
    Action?: string | string[];
    Resource?: unknown;
    Principal?: unknown;
    Condition?: unknown;
  };
}

/** Every statement of every policy document in the template (IAM policies, role inline policies and trust policies, queue policies, …). */
export function policyStatements(template: Template): FoundStatement[] {
  const found: FoundStatement[] = [];
  const resources = template.toJSON().Resources as Record<
    string,
    { Type: string; Properties?: Record<string, unknown> }
  >;
  for (const [id, r] of Object.entries(resources)) {
    const p = r.Properties ?? {};
    const roles = ((p.Roles as Array<{ Ref?: string }> | undefined) ?? []).map((role) => role.Ref ?? flatten(role));
    const collect = (document: unknown) => {
      const statements = (document as { Statement?: FoundStatement['statement'][] } | undefined)?.Statement ?? [];
      for (const statement of statements) found.push({ resource: id, type: r.Type, roles, statement });
    };
    if ('PolicyDocument' in p) collect(p.PolicyDocument);
    if ('AssumeRolePolicyDocument' in p) collect(p.AssumeRolePolicyDocument);
    for (const inline of (p.Policies as Array<{ PolicyDocument: unknown }> | undefined) ?? [])
      collect(inline.PolicyDocument);
  }
  return found;
}

/** A template value (string or intrinsic) flattened to text, `{Ref: X}` → `<X>`, for wildcard checks. */
export function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(flatten).join('');
  if (value && typeof value === 'object') {
    const [[fn, arg]] = Object.entries(value) as [[string, unknown]];
    if (fn === 'Ref') return `<${String(arg)}>`;
    if (fn === 'Fn::GetAtt') return `<${(arg as string[]).join('.')}>`;
    if (fn === 'Fn::Join') return (arg as [string, unknown[]])[1].map(flatten).join((arg as [string])[0]);
    return `<${fn}>`;
  }
  return String(value);
}

/** Each placeholder of LAMBDA_FUNCTIONS → the logical id of the function the pipeline built for it. */
export function functionLogicalIds(s: Synthesized): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const spec of LAMBDA_FUNCTIONS) {
    const fn = s.pipeline.functions[spec.role];
    if (fn) ids[spec.placeholder] = logicalIdOf(s.stack, fn);
  }
  return ids;
}

/**
 * The state machine definition the template deploys, with each `${Placeholder}` replaced by
 * `arn-of:<logical id>` of what `DefinitionSubstitutions` maps it to.
 */
export function deployedDefinition(template: Template): unknown {
  const machines = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  if (machines.length !== 1) throw new Error(`expected one state machine, found ${machines.length}`);
  const props = (
    machines[0] as { Properties: { DefinitionString: unknown; DefinitionSubstitutions: Record<string, unknown> } }
  ).Properties;
  if (typeof props.DefinitionString !== 'string') throw new Error('DefinitionString is not a plain string');
  return JSON.parse(
    props.DefinitionString.replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
      const value = props.DefinitionSubstitutions[key] as { 'Fn::GetAtt'?: [string, string] } | undefined;
      if (!value?.['Fn::GetAtt'] || value['Fn::GetAtt'][1] !== 'Arn')
        throw new Error(`substitution ${key} is not a function ARN: ${JSON.stringify(value)}`);
      return `arn-of:${value['Fn::GetAtt'][0]}`;
    }),
  );
}

/** A definition object with each `${Placeholder}` replaced by `arn-of:<ids[Placeholder]>`. */
export function withFunctionRefs(definition: object, ids: Record<string, string>): unknown {
  return JSON.parse(
    JSON.stringify(definition).replace(/\$\{([A-Za-z0-9_]+)\}/g, (_, key: string) => {
      if (!ids[key]) throw new Error(`no function for placeholder ${key}`);
      return `arn-of:${ids[key]}`;
    }),
  );
}

/**
 * The only Allow statements with a `*` action or resource that the pipeline may contain: each
 * is required by AWS because the API has no resource-level permissions.
 */
export const WILDCARD_ALLOW_LIST: ReadonlyArray<{ name: string; actions: readonly string[]; reason: string }> = [
  {
    name: 'CloudWatch Logs vended log delivery (state machine logging)',
    // Step Functions "Logging using CloudWatch Logs": these actions do not support resource-level permissions.
    actions: [
      'logs:CreateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:DescribeLogGroups',
      'logs:DescribeResourcePolicies',
      'logs:GetLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:UpdateLogDelivery',
    ],
    reason: 'AWS requires Resource "*" for log delivery configuration',
  },
  {
    name: 'X-Ray tracing (state machine and functions, when tracing is on)',
    // X-Ray: "X-Ray doesn't support resource-level permissions for PutTraceSegments, PutTelemetryRecords, GetSamplingRules, GetSamplingTargets".
    actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
    reason: 'X-Ray write and sampling APIs have no resource-level permissions',
  },
];

/** Allow statements with a wildcard action, resource or principal that no allow-list entry justifies. */
export function unjustifiedWildcards(template: Template): FoundStatement[] {
  return policyStatements(template).filter(({ statement }) => {
    if (statement.Effect !== 'Allow') return false;
    const actions = [statement.Action ?? []].flat();
    const resources = statement.Resource === undefined ? [] : [statement.Resource].flat();
    const wildcardAction = actions.some((a) => a.includes('*'));
    const wildcardResource = resources.some((r) => flatten(r).includes('*'));
    const principal =
      statement.Principal === '*' || flatten((statement.Principal as { AWS?: unknown } | undefined)?.AWS ?? '') === '*';
    if (!wildcardAction && !wildcardResource && !principal) return false;
    const justified =
      !wildcardAction &&
      !principal &&
      resources.length === 1 &&
      resources[0] === '*' &&
      // Each action must be justified (CDK merges the log delivery and X-Ray statements into one).
      actions.every((a) => WILDCARD_ALLOW_LIST.some((entry) => entry.actions.includes(a)));
    return !justified;
  });
}
