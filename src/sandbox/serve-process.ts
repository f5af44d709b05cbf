// Runs the sandbox in its own process and prints {"stripeUrl", "anthropicUrl"} as one JSON line:
//   npx tsx src/sandbox/serve-process.ts [--stripe-port N] [--anthropic-port N] [--stream-delay MS]
//     [--webhook-url URL --webhook-secret whsec_...]   (signed delivery of every Stripe event)
import { parseArgs } from 'node:util';
import { startSandbox } from './start.ts';

function integer(value: string | undefined, flag: string, max: number): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0 || parsed > max) {
    process.stderr.write(`sandbox: ${flag} must be an integer from 0 to ${max}, got "${value}"\n`);
    process.exit(2);
  }
  return parsed;
}

async function main(): Promise<void> {
  let values: Record<string, string | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        'stripe-port': { type: 'string' },
        'anthropic-port': { type: 'string' },
        'stream-delay': { type: 'string' },
        'webhook-url': { type: 'string' },
        'webhook-secret': { type: 'string' },
      },
    }));
  } catch (error) {
    process.stderr.write(
      `sandbox: ${(error as Error).message}\nusage: serve-process.ts [--stripe-port N] [--anthropic-port N] [--stream-delay MS]\n`,
    );
    process.exit(2);
  }
  const webhookUrl = values['webhook-url'];
  if (webhookUrl !== undefined && !/^https?:\/\//.test(webhookUrl)) {
    process.stderr.write(`sandbox: --webhook-url must be an http(s) URL, got "${webhookUrl}"\n`);
    process.exit(2);
  }
  const secret = values['webhook-secret'] ?? 'whsec_sandbox';
  const stripeWebhook = webhookUrl === undefined ? undefined : { url: webhookUrl, secret };
  const sandbox = await startSandbox({
    stripeWebhook,
    stripePort: integer(values['stripe-port'], '--stripe-port', 65535),
    anthropicPort: integer(values['anthropic-port'], '--anthropic-port', 65535),
    streamChunkDelayMs: integer(values['stream-delay'], '--stream-delay', 10_000),
  });
  process.stdout.write(`${JSON.stringify({ stripeUrl: sandbox.stripeUrl, anthropicUrl: sandbox.anthropicUrl })}\n`);
  const stop = () => void sandbox.close().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`sandbox: could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
