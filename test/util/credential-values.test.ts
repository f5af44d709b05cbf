import { describe, expect, it } from 'vitest';
import { credentialValues, maskCredentials, shownHeaders } from '../../src/util/redact.ts';

describe('credentials a node sent', () => {
  const headers = {
    Authorization: 'Bearer sk_test_abcdef',
    'X-Api-Key': 'key_123456',
    'Idempotency-Key': 'run-1:create_intent:1',
    'Content-Type': 'application/x-www-form-urlencoded',
  };

  it('are the credential headers and bearer tokens, not the Idempotency-Key (shown in events, no secret)', () => {
    expect(credentialValues(headers).sort()).toEqual(['Bearer sk_test_abcdef', 'key_123456', 'sk_test_abcdef'].sort());
    expect(shownHeaders(headers)).toEqual({
      'Idempotency-Key': 'run-1:create_intent:1',
      'Content-Type': 'application/x-www-form-urlencoded',
    });
  });

  it('are masked in an answer that echoes them, while the echoed Idempotency-Key stays readable', () => {
    const answer = { error: { message: 'bad key sk_test_abcdef', request_log: 'idempotency run-1:create_intent:1' } };
    expect(maskCredentials(answer, credentialValues(headers))).toEqual({
      error: { message: 'bad key [redacted]', request_log: 'idempotency run-1:create_intent:1' },
    });
  });

  it('are told by the header name in any case, however many names a server sends', () => {
    // More distinct names than the classification keeps: each is still told right, the first ones again at the end.
    const names = Array.from({ length: 3000 }, (_, index) => `X-Trace-${index}`);
    const many = Object.fromEntries(names.map((name) => [name, `value-${name}`]));
    const mixed = {
      authorization: 'Basic dXNlcjpwYXNz',
      'X-AUTH-TOKEN': 'tok_98765',
      'IDEMPOTENCY-KEY': 'k-1',
      Date: 'now',
    };
    expect(shownHeaders(many)).toEqual(many);
    expect(credentialValues(many)).toEqual([]);
    expect(shownHeaders(mixed)).toEqual({ 'IDEMPOTENCY-KEY': 'k-1', Date: 'now' });
    expect(credentialValues(mixed)).toEqual(['Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz', 'tok_98765']);
    expect(shownHeaders({ [names[0]]: 'again', Cookie: 'session=abcdef' })).toEqual({ [names[0]]: 'again' });
  });

  it('leave a header named __proto__ a header of the shown record, not its prototype', () => {
    const headers = JSON.parse('{"__proto__": "x", "Accept": "application/json"}') as Record<string, string>;
    const shown = shownHeaders(headers);
    expect(Object.getPrototypeOf(shown)).toBe(Object.prototype);
    expect(Object.keys(shown)).toEqual(['__proto__', 'Accept']);
    expect(JSON.stringify(shown)).toBe('{"__proto__":"x","Accept":"application/json"}');
  });
});
