import { describe, expect, it } from 'vitest';
import { createApiExecutor } from '../../../src/adapters/api/executor.ts';
import { makeExecution } from '../support/execution.ts';
import { forgetRequests, startForFile } from '../support/for-file.ts';
import { startRecordingServer } from '../support/recording-server.ts';

const auth = { Authorization: 'Bearer sk_test_headers_4b1c' };
const server = await startForFile(startRecordingServer, forgetRequests);
const api = createApiExecutor({ stripe: { baseUrl: server.url } });

const post = (url: string, runtime: Record<string, unknown> = {}) =>
  makeExecution({ id: 'cancel_intent', runtime: { method: 'POST', url, headers: auth, ...runtime } });

describe('Content-Type on Stripe POSTs', () => {
  it('sends application/x-www-form-urlencoded on a POST without a body, as stripe-node does', async () => {
    await api(post('https://api.stripe.com/v1/payment_intents/pi_1/cancel'));
    expect(server.requests[0].headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(server.requests[0].body).toBe('');
  });

  it('keeps a Content-Type the workflow sets, and encodes the body to match it', async () => {
    await api(
      post('https://api.stripe.com/v1/customers', {
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: { name: 'Ada' },
      }),
    );
    expect(server.requests[0].headers['content-type']).toBe('application/json');
    expect(JSON.parse(server.requests[0].body)).toEqual({ name: 'Ada' });
  });

  it('still form-encodes when the workflow names the form type itself', async () => {
    const headers = { ...auth, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    await api(post('https://api.stripe.com/v1/customers', { headers, body: { name: 'Ada Lovelace' } }));
    expect(server.requests[0].headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(server.requests[0].body).toBe('name=Ada%20Lovelace');
  });
});
