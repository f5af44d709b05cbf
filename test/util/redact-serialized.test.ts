// redactSerialized: the redactors called on a value search its one JSON text, and still mask what they must.
import { describe, expect, it } from 'vitest';
import { createRedactor, redactSerialized } from '../../src/util/redact.ts';

const runSecrets = createRedactor({ API_KEY: 'sk_test_abcdef123456' });
const outputSecrets = createRedactor({ 'pay.client_secret': 'pi_1_secret_zyxwvu' });
const both = <T>(value: T): T => outputSecrets(runSecrets(value));

describe('redactSerialized', () => {
  it('hands back a clean value as it was, with its JSON text', () => {
    const body = { type: 'node.completed', outputs: { id: 'cus_1', list: ['a', { b: 2 }] } };
    const { value, json } = redactSerialized(body, both);
    expect(value).toBe(body);
    expect(json).toBe(JSON.stringify(body));
  });

  it('masks a secret of either redactor, in strings and keys, and gives no text for the masked value', () => {
    const body = {
      type: 'node.request',
      url: 'https://x/?key=sk_test_abcdef123456',
      nested: [{ note: 'got pi_1_secret_zyxwvu back' }],
      ['sk_test_abcdef123456']: 1,
    };
    const { value, json } = redactSerialized(body, both);
    expect(json).toBeUndefined();
    expect(JSON.stringify(value)).not.toContain('sk_test_abcdef123456');
    expect(JSON.stringify(value)).not.toContain('pi_1_secret_zyxwvu');
    expect(value.url).toBe('https://x/?key=[secret API_KEY]');
    expect(value.nested[0].note).toBe('got [secret pay.client_secret] back');
  });

  it('masks a secret JSON writes escaped (a quote in it) by walking the value', () => {
    const quoted = createRedactor({ ODD: 'ab"cd"ef' });
    const { value } = redactSerialized({ text: 'x ab"cd"ef y' }, quoted);
    expect(value.text).toBe('x [secret ODD] y');
  });

  it('masks the secret in its encoded forms too', () => {
    const encoded = encodeURIComponent('sk_test_abcdef123456');
    const { value } = redactSerialized({ body: `a=${Buffer.from('sk_test_abcdef123456').toString('base64')}` }, both);
    expect(value.body).toBe('a=[secret API_KEY]');
    expect(redactSerialized({ q: encoded }, both).value.q).toBe('[secret API_KEY]');
  });
});

describe('a run secret that is not well-formed UTF-16', () => {
  it('makes a redactor that masks it raw, JSON-escaped, and in the forms it travels in on the wire', () => {
    const secret = 'tok_ab\ud800cd';
    const redact = createRedactor({ TOKEN: secret });
    // On the wire a lone surrogate becomes U+FFFD (fetch, URLSearchParams and Buffer all encode it so).
    const wire = secret.toWellFormed();
    const forms = [
      secret,
      encodeURIComponent(wire),
      new URLSearchParams({ v: secret }).toString().slice(2),
      Buffer.from(secret, 'utf8').toString('base64'),
    ];
    for (const form of forms) expect(redact({ text: `a ${form} b` })).toEqual({ text: 'a [secret TOKEN] b' });
    expect(JSON.stringify(redact({ text: secret }))).toBe('{"text":"[secret TOKEN]"}');
  });
});
