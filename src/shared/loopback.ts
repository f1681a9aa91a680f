/**
 * Is this host this machine? The one answer every security decision of the project uses: binding
 * the runtime without a token, plain `http://` to a Genesys base URL, dummy AWS credentials for a
 * local endpoint, the admin routes' `Host` check.
 *
 * Loopback means `localhost` or a loopback address (127.0.0.0/8, `::1`, an IPv4-mapped 127.x) —
 * decided from the text alone. Other names ending in `.localhost` are not accepted: RFC 6761 asks
 * resolvers to send them to loopback, but whether this machine's resolver does is not something a
 * check can see, and a name that resolves elsewhere would carry a token or a client secret off the
 * machine in the clear.
 */
import ipaddr from 'ipaddr.js';

/**
 * True for `localhost`, 127.0.0.0/8 and `::1` (brackets allowed: `[::1]`).
 *
 * @example
 * isLoopback('127.0.0.1'); // true
 * isLoopback('api.localhost'); // false: a name only a resolver can place
 */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (!ipaddr.isValid(h)) return false;
  return ipaddr.process(h).range() === 'loopback';
}

/**
 * Whether an HTTP `Host` header (`name[:port]`, `[v6]:port`) names this machine — what the admin
 * routes accept without a token, so that a page of another site cannot reach them through a name
 * it points at 127.0.0.1 (DNS rebinding).
 */
export function isLoopbackHostHeader(header: string | undefined): boolean {
  if (header === undefined) return false;
  const match = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(header.trim());
  return match !== null && isLoopback(match[1]!);
}
