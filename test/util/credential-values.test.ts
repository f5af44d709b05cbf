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
});
