// Stripe's error forms (type, code, param) for bad requests, checked through the official SDK.
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { SANDBOX_STRIPE_KEY } from '../../../src/sandbox/start.ts';
import { rejectionOf, stripeClient, useSandbox } from '../helpers.ts';

type Loose = Record<string, unknown>;
const invalid = { type: 'StripeInvalidRequestError', statusCode: 400 };

describe('the Stripe sandbox refuses bad requests the way Stripe does', () => {
  const sandbox = useSandbox();
  const stripe = () => stripeClient(sandbox());

  it('names unknown parameters, nested ones too, with parameter_unknown', async () => {
    expect(await rejectionOf(stripe().rawRequest('POST', '/v1/customers', { emial: 'a@example.com' }))).toMatchObject({
      ...invalid,
      code: 'parameter_unknown',
      param: 'emial',
      message: 'Received unknown parameter: emial',
    });
    const nested = { amount: 2000, currency: 'usd', automatic_payment_methods: { enabled: true, bogus: 'x' } };
    expect(await rejectionOf(stripe().rawRequest('POST', '/v1/payment_intents', nested))).toMatchObject({
      ...invalid,
      code: 'parameter_unknown',
      param: 'automatic_payment_methods[bogus]',
    });
  });

  it('answers wrong types with parameter_invalid_integer / parameter_invalid_string, and empty strings with parameter_invalid_empty', async () => {
    const notInteger = { amount: 'twenty', currency: 'usd' };
    expect(await rejectionOf(stripe().rawRequest('POST', '/v1/payment_intents', notInteger))).toMatchObject({
      ...invalid,
      code: 'parameter_invalid_integer',
      param: 'amount',
      message: 'Invalid integer: twenty',
    });
    const notString = { email: { first: 'a' } };
    expect(await rejectionOf(stripe().rawRequest('POST', '/v1/customers', notString))).toMatchObject({
      ...invalid,
      code: 'parameter_invalid_string',
      param: 'email',
    });
    expect(await rejectionOf(stripe().paymentIntents.create({ amount: 2000, currency: '' }))).toMatchObject({
      ...invalid,
      code: 'parameter_invalid_empty',
      param: 'currency',
    });
  });

  it('answers a missing required parameter, also a nested one, with parameter_missing', async () => {
    expect(await rejectionOf(stripe().rawRequest('POST', '/v1/payment_intents', { currency: 'usd' }))).toMatchObject({
      ...invalid,
      code: 'parameter_missing',
      param: 'amount',
      message: 'Missing required param: amount.',
    });
    const customer = await stripe().customers.create({});
    expect(await rejectionOf(stripe().rawRequest('POST', '/v1/payment_methods/pm_card_visa/attach', {}))).toMatchObject(
      {
        ...invalid,
        code: 'parameter_missing',
        param: 'customer',
      },
    );
    expect(customer.id).toMatch(/^cus_/);
  });

  it('refuses a value outside an enum, naming the parameter and the allowed values', async () => {
    const intent = await stripe().paymentIntents.create({ amount: 2000, currency: 'usd' });
    const error = await rejectionOf(
      stripe().rawRequest('POST', `/v1/payment_intents/${intent.id}/cancel`, { cancellation_reason: 'bored' }),
    );
    expect(error).toMatchObject({ ...invalid, param: 'cancellation_reason' });
    expect((error as Error).message).toMatch(/^Invalid cancellation_reason: must be one of .*duplicate.*, or \w+$/);
  });

  it('answers an id named by a parameter with 400 resource_missing naming it, and an id in the path with 404', async () => {
    expect(
      await rejectionOf(stripe().paymentIntents.create({ amount: 2000, currency: 'usd', customer: 'cus_nope' })),
    ).toMatchObject({
      ...invalid,
      code: 'resource_missing',
      param: 'customer',
      message: "No such customer: 'cus_nope'",
    });
    const intent = await stripe().paymentIntents.create({ amount: 2000, currency: 'usd' });
    expect(await rejectionOf(stripe().paymentIntents.confirm(intent.id, { payment_method: 'pm_nope' }))).toMatchObject({
      ...invalid,
      code: 'resource_missing',
      param: 'payment_method',
    });
    expect(await rejectionOf(stripe().refunds.create({ charge: 'ch_nope' }))).toMatchObject({
      ...invalid,
      code: 'resource_missing',
      param: 'charge',
    });
    expect(await rejectionOf(stripe().charges.retrieve('ch_nope'))).toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 404,
      code: 'resource_missing',
      param: 'id',
    });
  });

  it('expands what x-expandableFields allows, on objects and on lists (data.x), and refuses the rest', async () => {
    const customer = await stripe().customers.create({ email: 'e@example.com' });
    const withSource = await stripe().customers.retrieve(customer.id, {
      expand: ['default_source', 'invoice_settings.default_payment_method'],
    });
    expect(withSource).toMatchObject({ id: customer.id, default_source: null });
    await stripe().paymentIntents.create({ amount: 2000, currency: 'usd', customer: customer.id });
    const listed = await stripe().paymentIntents.list({ expand: ['data.customer'] });
    expect((listed.data[0].customer as Stripe.Customer).email).toBe('e@example.com');
    expect(await rejectionOf(stripe().paymentIntents.list({ expand: ['data.bogus'] }))).toMatchObject({
      ...invalid,
      param: 'expand',
      message: 'This property cannot be expanded (bogus).',
    });
    expect(await rejectionOf(stripe().paymentIntents.list({ expand: ['customer'] }))).toMatchObject({
      ...invalid,
      param: 'expand',
    });
    expect(await rejectionOf(stripe().customers.retrieve(customer.id, { expand: ['email'] }))).toMatchObject({
      ...invalid,
      param: 'expand',
    });
  });

  it('expands a charge from its intent, and the customer through it', async () => {
    const customer = await stripe().customers.create({ email: 'deep@example.com' });
    const intent = await stripe().paymentIntents.create({
      amount: 2000,
      currency: 'usd',
      customer: customer.id,
      payment_method: 'pm_card_visa',
      confirm: true,
      expand: ['latest_charge.customer'],
    });
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge.object).toBe('charge');
    expect((charge.customer as Stripe.Customer).email).toBe('deep@example.com');
  });

  it("refuses a Stripe-Version that is not one of Stripe's, and accepts the pinned and the SDK's own", async () => {
    const bogus = stripeClient(sandbox(), { apiVersion: 'bogus' as Stripe.LatestApiVersion });
    expect(await rejectionOf(bogus.customers.create({}))).toMatchObject({
      ...invalid,
      message: 'Invalid Stripe API version: bogus',
    });
    const pinned = stripeClient(sandbox(), { apiVersion: '2024-04-10' as Stripe.LatestApiVersion });
    expect((await pinned.customers.create({})).lastResponse.apiVersion).toBe('2024-04-10');
    expect((await stripe().customers.create({})).object).toBe('customer');
  });

  it('refuses a POST without the form Content-Type, even with no body', async () => {
    const intent = await stripe().paymentIntents.create({ amount: 2000, currency: 'usd' });
    const response = await fetch(`${sandbox().stripeUrl}/v1/payment_intents/${intent.id}/cancel`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}` },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: Loose }).error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringContaining('application/x-www-form-urlencoded'),
    });
    expect((await stripe().paymentIntents.retrieve(intent.id)).status).toBe('requires_payment_method');
  });
});
