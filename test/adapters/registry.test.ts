import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createServiceExecutors,
  describeServiceMode,
  resolveServiceMode,
  serviceSecrets,
} from '../../src/services/service-endpoints.ts';
import { SANDBOX_ANTHROPIC_KEY, SANDBOX_STRIPE_KEY } from '../../src/sandbox/start.ts';
import { makeExecution } from './support/execution.ts';
import { startRecordingServer, type RecordingServer } from './support/recording-server.ts';

const KEYS = { STRIPE_SECRET_KEY: 'sk_test_live_1', ANTHROPIC_API_KEY: 'sk-ant-live-1' };

describe('which services run live', () => {
  it('is live with both keys, sandbox with none, and per service with one', () => {
    expect(resolveServiceMode(KEYS)).toEqual({ stripe: 'live', anthropic: 'live', needsSandbox: false });
    expect(resolveServiceMode({})).toEqual({ stripe: 'sandbox', anthropic: 'sandbox', needsSandbox: true });
    expect(resolveServiceMode({ STRIPE_SECRET_KEY: 'sk_test_1', ANTHROPIC_API_KEY: ' ' })).toEqual({
      stripe: 'live',
      anthropic: 'sandbox',
      needsSandbox: true,
    });
  });

  it('--sandbox emulates both even with keys', () => {
    expect(resolveServiceMode(KEYS, { forceSandbox: true })).toEqual({
      stripe: 'sandbox',
      anthropic: 'sandbox',
      needsSandbox: true,
    });
  });

  it('needs no emulator when base URLs point elsewhere', () => {
    expect(
      resolveServiceMode({ STRIPE_API_BASE: 'http://localhost:12111', ANTHROPIC_BASE_URL: 'http://localhost:9' })
        .needsSandbox,
    ).toBe(false);
  });

  it('announces what is emulated and how to go live', () => {
    expect(describeServiceMode({ stripe: 'sandbox', anthropic: 'sandbox' })).toBe(
      'sandbox: Stripe and Claude emulated locally — set STRIPE_SECRET_KEY / ANTHROPIC_API_KEY for live',
    );
    expect(describeServiceMode({ stripe: 'live', anthropic: 'sandbox' })).toBe(
      'sandbox: Claude emulated locally — set ANTHROPIC_API_KEY for live (Stripe live)',
    );
    expect(
      describeServiceMode(
        { stripe: 'live', anthropic: 'live' },
        { STRIPE_API_BASE: 'http://user:pw@localhost:12111/' },
      ),
    ).toBe('live: Stripe and Claude; Stripe calls go to http://localhost:12111 (STRIPE_API_BASE)');
  });

  it('supplies the sandbox keys as secrets only where the user has none', () => {
    const sandbox = { stripe: 'sandbox', anthropic: 'sandbox' } as const;
    expect(serviceSecrets(sandbox, {}, { OTHER: 'x' })).toEqual({
      OTHER: 'x',
      STRIPE_SECRET_KEY: SANDBOX_STRIPE_KEY,
      ANTHROPIC_API_KEY: SANDBOX_ANTHROPIC_KEY,
    });
    expect(serviceSecrets(sandbox, {}, { STRIPE_SECRET_KEY: 'sk_test_mine' }).STRIPE_SECRET_KEY).toBe('sk_test_mine');
    expect(serviceSecrets({ stripe: 'live', anthropic: 'sandbox' }, KEYS).STRIPE_SECRET_KEY).toBe(
      KEYS.STRIPE_SECRET_KEY,
    );
    expect(SANDBOX_STRIPE_KEY).toMatch(/^sk_test_/);
  });
});

describe('service executors', () => {
  let server: RecordingServer;
  beforeAll(async () => {
    server = await startRecordingServer({ status: 200, body: { id: 'cus_1' } });
  });
  afterAll(() => server.close());

  const customer = () =>
    makeExecution({
      id: 'create_customer',
      runtime: { method: 'POST', url: 'https://api.stripe.com/v1/customers', body: { name: 'n' } },
    });

  it('sends Stripe calls to STRIPE_API_BASE, with the sandbox key when the node has none', async () => {
    const { api } = createServiceExecutors({
      mode: 'sandbox',
      env: { STRIPE_API_BASE: server.url },
      sandbox: { stripeUrl: 'http://127.0.0.1:1', anthropicUrl: 'http://127.0.0.1:1' },
    });
    await api(customer());
    expect(server.requests.at(-1)).toMatchObject({ url: '/v1/customers', body: 'name=n' });
    expect(server.requests.at(-1)?.headers.authorization).toBe(`Bearer ${SANDBOX_STRIPE_KEY}`);
  });

  it('uses the sandbox URL for an emulated service, never for a live one', async () => {
    const { api } = createServiceExecutors({
      mode: 'sandbox',
      env: {},
      sandbox: { stripeUrl: server.url, anthropicUrl: server.url },
    });
    await api(customer());
    expect(server.requests.at(-1)?.url).toBe('/v1/customers');
    expect(() => createServiceExecutors({ mode: 'sandbox', env: {} })).toThrow(
      /Stripe is in sandbox mode but no sandbox URL was given/,
    );
    expect(() => createServiceExecutors({ mode: 'live', env: { STRIPE_API_BASE: 'localhost:12111' } })).toThrow(
      'STRIPE_API_BASE is not an http(s) URL',
    );
  });
});
