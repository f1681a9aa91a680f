/**
 * Fakes of the two AWS APIs the directory's Lambda functions call, on real HTTP (127.0.0.1):
 * Secrets Manager `GetSecretValue` (AWS JSON 1.1, `X-Amz-Target: secretsmanager.GetSecretValue`)
 * and Lambda `Invoke` (`POST /2015-03-31/functions/{name}/invocations`). Point the AWS SDK at them
 * with `AWS_ENDPOINT_URL_SECRETS_MANAGER` / `AWS_ENDPOINT_URL_LAMBDA` (the SDK's service-specific
 * endpoint variables), or a client's `endpoint`.
 */
import { createServer } from 'node:http';
import { afterAll } from 'vitest';
import { listenOnLoopback, readBody } from './http-server.js';

/** A running fake Secrets Manager. */
export interface FakeSecretsManager {
  url: string;
  /** Secret values by ARN (or name). */
  secrets: Map<string, string>;
  /** `SecretId`s asked for, in order. */
  reads: string[];
}

/** A running fake Lambda (records invocations, answers 202 to `Event` invocations). */
export interface FakeLambda {
  url: string;
  invocations: Array<{ functionName: string; invocationType: string; payload: unknown }>;
}

/** Starts a fake Secrets Manager, stopped after the test file. */
export async function startFakeSecretsManager(): Promise<FakeSecretsManager> {
  const fake = { url: '', secrets: new Map<string, string>(), reads: [] as string[] };
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(json));
      };
      if (req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue')
        return reply(400, { __type: 'UnknownOperationException', message: 'only GetSecretValue' });
      const { SecretId } = JSON.parse(text) as { SecretId: string };
      fake.reads.push(SecretId);
      const value = fake.secrets.get(SecretId);
      if (value === undefined)
        return reply(400, {
          __type: 'ResourceNotFoundException',
          message: "Secrets Manager can't find the specified secret.",
        });
      return reply(200, {
        ARN: SecretId,
        Name: SecretId.split(':').pop(),
        SecretString: value,
        VersionId: 'v1',
        CreatedDate: 1,
      });
    });
  });
  const listening = await listenOnLoopback(server);
  afterAll(() => listening.close());
  fake.url = listening.url;
  return fake;
}

/** Starts a fake Lambda Invoke endpoint, stopped after the test file. */
export async function startFakeLambda(): Promise<FakeLambda> {
  const fake: FakeLambda = { url: '', invocations: [] };
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
      if (req.method !== 'POST' || !match) {
        res.writeHead(404, { 'content-type': 'application/json' });
        return res.end('{"message":"not found"}');
      }
      const invocationType = String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse');
      fake.invocations.push({
        functionName: decodeURIComponent(match[1]!),
        invocationType,
        payload: JSON.parse(text || 'null'),
      });
      res.writeHead(invocationType === 'Event' ? 202 : 200, { 'content-type': 'application/json' });
      res.end(invocationType === 'Event' ? '' : 'null');
    });
  });
  const listening = await listenOnLoopback(server);
  afterAll(() => listening.close());
  fake.url = listening.url;
  return fake;
}
