/** The project's one answer to "is this host this machine?", and its one wording for unexpected values. */
import { describe, expect, it } from 'vitest';
import {
  describeValue,
  errorMessage,
  isLoopback,
  isLoopbackHostHeader,
  stripUndefined,
} from '../../src/shared/index.js';

describe('isLoopback', () => {
  it('accepts localhost and loopback addresses, decided from the text alone', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopback(host), host).toBe(true);
  });

  it('refuses every other name and address, *.localhost included (only a resolver could place it)', () => {
    for (const host of [
      'api.localhost',
      'localhost.example.com',
      '10.0.0.1',
      '0.0.0.0',
      '::',
      'events.us-east-1.amazonaws.com',
      '192.168.1.1',
      '::ffff:10.0.0.1',
      '',
    ])
      expect(isLoopback(host), host).toBe(false);
  });
});

describe('isLoopbackHostHeader', () => {
  it('reads name[:port] and [v6]:port', () => {
    for (const header of ['localhost', 'localhost:4010', '127.0.0.1:4010', '[::1]:4010', '[::1]'])
      expect(isLoopbackHostHeader(header), header).toBe(true);
    for (const header of [undefined, '', 'evil.example:4010', 'api.localhost:4010', '10.0.0.1:4010', '::1:4010'])
      expect(isLoopbackHostHeader(header), String(header)).toBe(false);
  });
});

describe('describeValue', () => {
  it('names the type and shows a short value, never a whole one', () => {
    expect(describeValue(undefined)).toBe('missing');
    expect(describeValue(null)).toBe('null');
    expect(describeValue([1, 2])).toBe('array (2 items)');
    expect(describeValue(42)).toBe('number 42');
    expect(describeValue(false)).toBe('boolean false');
    expect(describeValue({ a: 1 })).toBe('object');
    expect(describeValue('x'.repeat(100))).toBe(`string "${'x'.repeat(57)}..."`);
  });
});

describe('errorMessage and stripUndefined', () => {
  it('take what they say', () => {
    expect(errorMessage(new TypeError('bad'))).toBe('bad');
    expect(errorMessage('plain')).toBe('plain');
    expect(stripUndefined({ a: 1, b: undefined, c: null })).toEqual({ a: 1, c: null });
  });
});
