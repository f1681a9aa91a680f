/**
 * IP addresses and CIDR blocks as EventBridge's `cidr` operator reads them.
 *
 * EventBridge (its open-source engine, aws/event-ruler) recognises an address only when it
 * looks like one: four dot-separated decimal numbers, or hex digits and colons. Anything else is
 * a "Nonstandard IP address". An IPv4-mapped IPv6 address in hex form (`::ffff:0a00:0001`) is
 * the IPv4 address it maps. Addresses are compared as byte strings of equal length, so an IPv4
 * value never falls in an IPv6 block.
 */
import ipaddr from 'ipaddr.js';
import { CidrError } from './errors.js';

const IPV4_SHAPE = /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/;
const IPV6_SHAPE = /^[0-9a-fA-F:]*:[0-9a-fA-F:]*$/;

/** A CIDR block as an inclusive byte range (4 or 16 bytes). */
export interface IpRange {
  low: Uint8Array;
  high: Uint8Array;
}

/** True when the text has the shape of an IPv4 or IPv6 literal (not necessarily valid). */
function looksLikeIp(text: string): boolean {
  return IPV4_SHAPE.test(text) || IPV6_SHAPE.test(text);
}

/**
 * The address bytes of an IP literal, or `undefined` when the text is not one.
 * IPv4: four decimal parts 0–255 (leading zeros read as decimal). IPv6: hex groups, `::` allowed.
 */
export function parseIp(text: string): Uint8Array | undefined {
  if (IPV4_SHAPE.test(text)) {
    const parts = text.split('.').map((p) => Number(p));
    if (parts.some((p) => !Number.isInteger(p) || p > 255)) return undefined;
    return Uint8Array.from(parts);
  }
  if (IPV6_SHAPE.test(text)) {
    if (!ipaddr.IPv6.isValid(text)) return undefined;
    const bytes = Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
    const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
    return mapped ? bytes.slice(12) : bytes;
  }
  return undefined;
}

/** The single-address range of an IP literal (an exact-match pattern value that is an address). */
export function ipExactRange(text: string): IpRange | undefined {
  const bytes = parseIp(text);
  return bytes ? { low: bytes, high: bytes } : undefined;
}

/**
 * Parses a `cidr` value such as `10.0.0.0/24` or `2001:db8::/64` into its address range.
 * Errors carry AWS's reasons, e.g. `Malformed CIDR, one '/' required`.
 */
export function parseCidr(cidr: string): IpRange {
  // Java's String.split drops trailing empty parts: "10.0.0.0/24/" has two parts.
  const parts = cidr.split('/');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  if (parts.length !== 2) throw new CidrError("Malformed CIDR, one '/' required");
  const maskText = parts[1]!;
  const mask = /^[+-]?[0-9]+$/.test(maskText) ? Number(maskText) : Number.NaN;
  if (!Number.isInteger(mask) || mask > 2 ** 31 - 1 || mask < -(2 ** 31)) {
    throw new CidrError('Malformed CIDR, mask bits must be an integer');
  }
  if (mask < 0) throw new CidrError('Malformed CIDR, mask bits must not be negative');
  const address = parts[0]!;
  if (!looksLikeIp(address)) throw new CidrError(`Nonstandard IP address: ${address}`);
  const bytes = parseIp(address);
  if (!bytes) throw new CidrError(`Invalid IP address: ${address}`);
  if (bytes.length === 4 && mask > 31) throw new CidrError('IPv4 mask bits must be < 32');
  if (bytes.length === 16 && mask > 127) throw new CidrError('IPv6 mask bits must be < 128');
  const low = new Uint8Array(bytes.length);
  const high = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) {
    const fixedBits = Math.max(0, Math.min(8, mask - i * 8));
    const keep = fixedBits === 0 ? 0 : (0xff << (8 - fixedBits)) & 0xff;
    low[i] = bytes[i]! & keep;
    high[i] = (bytes[i]! & keep) | (~keep & 0xff);
  }
  return { low, high };
}

/** True when the address bytes fall within the range (same address family only). */
export function ipInRange(address: Uint8Array, range: IpRange): boolean {
  if (address.length !== range.low.length) return false;
  return compareBytes(address, range.low) >= 0 && compareBytes(address, range.high) <= 0;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! !== b[i]!) return a[i]! - b[i]!;
  }
  return 0;
}
