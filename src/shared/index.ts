/** Small helpers every module may use: no pipeline knowledge, no I/O. */
export { describeValue, errorMessage } from './describe.js';
export { isLoopback, isLoopbackHostHeader } from './loopback.js';
export { stripUndefined } from './objects.js';
