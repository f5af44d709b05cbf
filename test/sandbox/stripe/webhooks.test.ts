import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/sandbox/start.ts';
import { stripeClient } from '../helpers.ts';

const SECRET = 'whsec_test_sandbox_secret';

interface Received {
  body: string;
  signature: string;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => resolve(body));
  });
}

describe('Stripe events: GET /v1/events and signed webhook delivery to the URL given at start', () => {
  const received: Received[] = [];
  const receiver = createServer((request, response) => {
    void readBody(request).then((body) => {
      received.push({ body, signature: String(request.headers['stripe-signature']) });
      response.writeHead(200).end('{}');
    });
  });
  let sandbox: Sandbox;

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const { port } = receiver.address() as AddressInfo;
    sandbox = await startSandbox({ stripeWebhook: { url: `http://127.0.0.1:${port}/hooks`, secret: SECRET } });
  });
  afterAll(async () => {
    await sandbox.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('lists what happened, newest first, filterable by type, and delivers each event signed', async () => {
    const stripe = stripeClient(sandbox);
    const intent = await stripe.paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
    });
    await stripe.refunds.create({ payment_intent: intent.id, amount: 700 });
    const types = (await stripe.events.list()).data.map((event) => event.type);
    expect(types).toEqual([
      'charge.refunded',
      'refund.created',
      'payment_intent.succeeded',
      'charge.succeeded',
      'payment_intent.created',
    ]);
    const refunded = (await stripe.events.list({ type: 'charge.*' })).data[0];
    expect(refunded).toMatchObject({
      type: 'charge.refunded',
      api_version: '2024-04-10',
      data: { object: { amount_refunded: 700 } },
    });
    expect(refunded.request?.id).toMatch(/^req_/);

    const deliveries = await sandbox.stripe.webhookDeliveries();
    expect(deliveries.map((delivery) => [delivery.type, delivery.status])).toEqual([
      ['payment_intent.created', 200],
      ['charge.succeeded', 200],
      ['payment_intent.succeeded', 200],
      ['refund.created', 200],
      ['charge.refunded', 200],
    ]);
    const verifier = new Stripe('sk_test_verifier');
    const events = received.map(({ body, signature }) => verifier.webhooks.constructEvent(body, signature, SECRET));
    expect(events.map((event) => event.type)).toEqual(deliveries.map((delivery) => delivery.type));
    expect(events[4].id).toBe(refunded.id);
    expect(() => verifier.webhooks.constructEvent(received[0].body, received[0].signature, 'whsec_wrong')).toThrow(
      Stripe.errors.StripeSignatureVerificationError,
    );
  });
});
