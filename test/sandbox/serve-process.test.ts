import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_STRIPE_KEY } from '../../src/sandbox/start.ts';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGTERM');
});

function startProcess(args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/sandbox/serve-process.ts', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

async function firstLine(child: ChildProcess): Promise<string> {
  const lines = createInterface({ input: child.stdout! });
  const [line] = (await once(lines, 'line')) as [string];
  lines.close();
  return line;
}

describe('the sandbox in its own process', () => {
  it('prints its URLs as one JSON line and can be driven over HTTP', async () => {
    const child = startProcess();
    const { stripeUrl, anthropicUrl } = JSON.parse(await firstLine(child)) as {
      stripeUrl: string;
      anthropicUrl: string;
    };
    expect(stripeUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(anthropicUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await fetch(`${stripeUrl}/__sandbox/faults`, {
      method: 'POST',
      body: JSON.stringify({ path: '/v1/customers', type: 'server_error' }),
    });
    const post = () =>
      fetch(`${stripeUrl}/v1/customers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'email=p%40example.com',
      });
    expect((await post()).status).toBe(500);
    expect((await post()).status).toBe(200);
    const state = await (await fetch(`${stripeUrl}/__sandbox/state`)).json();
    expect(state.customers).toHaveLength(1);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });

  it('refuses a bad port with a message and exit code 2', async () => {
    const child = startProcess(['--stripe-port', 'abc']);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--stripe-port must be an integer from 0 to 65535, got "abc"');
  });
});

describe('the sandbox process with --webhook-url', () => {
  it('refuses a webhook URL that is not http(s), with exit code 2', async () => {
    const child = startProcess(['--webhook-url', 'ftp://example.com/hooks']);
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('--webhook-url must be an http(s) URL, got "ftp://example.com/hooks"');
  });

  it('posts each Stripe event, signed with --webhook-secret, to the URL', async () => {
    const { createServer } = await import('node:http');
    const { default: Stripe } = await import('stripe');
    const bodies: Array<{ body: string; signature: string }> = [];
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      request.on('end', () => {
        bodies.push({ body, signature: String(request.headers['stripe-signature']) });
        response.end('{}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const port = (receiver.address() as { port: number }).port;
      const child = startProcess([
        '--webhook-url',
        `http://127.0.0.1:${port}/hooks`,
        '--webhook-secret',
        'whsec_process',
      ]);
      const { stripeUrl } = JSON.parse(await firstLine(child)) as { stripeUrl: string };
      await fetch(`${stripeUrl}/v1/customers`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${SANDBOX_STRIPE_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'email=w%40example.com',
      });
      while (bodies.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      const event = new Stripe('sk_test_x').webhooks.constructEvent(
        bodies[0].body,
        bodies[0].signature,
        'whsec_process',
      );
      expect(event.type).toBe('customer.created');
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
