/**
 * A `StartSyncExecution` endpoint on 127.0.0.1 (AWS JSON 1.0) that runs each execution on a local
 * executor: what the batch starter's real SFN client talks to in tests.
 */
import { createServer } from 'node:http';
import type { FastWorkflowExecutor, JsonValue } from '../../src/workflow/index.js';
import { listenOnLoopback } from './http-server.js';
import type { LoopbackServer } from './http-server.js';

/** The request the SDK sent: its `X-Amz-Target` and body. */
export interface StartSyncRequest {
  target: string;
  body: { stateMachineArn: string; input: string };
}

/**
 * Starts the endpoint; `onRequest` sees every request.
 *
 * @example
 * const server = await startSyncExecutionServer(executor, ARN);
 * new SFNClient({ endpoint: server.url, disableHostPrefix: true, … });
 */
export async function startSyncExecutionServer(
  executor: FastWorkflowExecutor,
  stateMachineArn: string,
  onRequest: (request: StartSyncRequest) => void = () => {},
): Promise<LoopbackServer> {
  return listenOnLoopback(
    createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        const body = JSON.parse(text) as StartSyncRequest['body'];
        onRequest({ target: String(req.headers['x-amz-target']), body });
        void executor.execute(JSON.parse(body.input) as JsonValue).then((output) => {
          res.setHeader('content-type', 'application/x-amz-json-1.0');
          res.end(
            JSON.stringify({
              executionArn: `${stateMachineArn.replace(':stateMachine:', ':express:')}:run`,
              status: 'SUCCEEDED',
              output: JSON.stringify(output),
              startDate: Date.now() / 1000,
              stopDate: Date.now() / 1000,
            }),
          );
        });
      });
    }),
  );
}
