/**
 * The runtime's PutEvents route (`POST /`, AWS JSON 1.1): the token check, refusal while the
 * runtime drains, AWS's ThrottlingException past the backlog or free-disk threshold (admission.ts),
 * then the local bus's own endpoint. It counts the calls in flight so that a stop
 * lets the calls already inside the bus finish (their response waits for the group commit).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createEventBridgeHandler } from '../eventbridge/index.js';
import type { LocalEventBridge } from '../eventbridge/index.js';
import { AwsJsonError, writeAwsJsonError } from '../eventbridge/aws-json.js';
import type { AdmissionVerdict } from './admission.js';
import type { BearerToken } from './auth.js';
import { putEventsTokenError } from './request-guard.js';

/** Largest PutEvents request body the runtime reads, bytes: twice the 256 KiB of entries AWS accepts per request. */
export const PUT_EVENTS_MAX_BODY_BYTES = 512 * 1024;

/** What the route needs from the runtime. */
export interface PutEventsRouteOptions {
  /** The runtime's token check; `undefined` when it runs without a token (loopback only). */
  bearer: BearerToken | undefined;
  /** Whether the runtime is stopping: new events are refused with 503. */
  isDraining: () => boolean;
  /** Backpressure: whether a call is admitted now (default: always). */
  admit?: () => AdmissionVerdict;
}

/** The PutEvents route and its calls in flight. */
export interface PutEventsRoute {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** PutEvents calls inside the bus now. */
  readonly inFlight: number;
}

/** The PutEvents route on `eventBridge`. */
export function createPutEventsRoute(eventBridge: LocalEventBridge, options: PutEventsRouteOptions): PutEventsRoute {
  const { bearer, isDraining, admit } = options;
  // A PutEvents body is refused before it is buffered beyond twice the 256 KiB of entries AWS
  // accepts per request (the entry-size rule itself is checked exactly, per entry, by the bus):
  // room for the JSON escaping of the entries' Detail strings, not Node's 4 MiB default.
  const putEvents = createEventBridgeHandler(eventBridge, { maxBodyBytes: PUT_EVENTS_MAX_BODY_BYTES });
  let putEventsInFlight = 0;
  return {
    get inFlight() {
      return putEventsInFlight;
    },
    async handle(req, res) {
      const unauthorized = putEventsTokenError(bearer, req);
      if (unauthorized) return writeAwsJsonError(req, res, unauthorized);
      if (isDraining())
        return writeAwsJsonError(
          req,
          res,
          new AwsJsonError(
            'ServiceUnavailableException',
            'The local pipeline is shutting down and accepts no new events; send them again once it has restarted.',
            503,
          ),
        );
      // Backpressure: past the backlog or free-disk threshold, AWS's throttling answer.
      const verdict = admit?.();
      if (verdict && !verdict.admit)
        return writeAwsJsonError(req, res, new AwsJsonError('ThrottlingException', verdict.message, 400));
      putEventsInFlight++;
      try {
        await putEvents(req, res);
      } finally {
        putEventsInFlight--;
      }
    },
  };
}
