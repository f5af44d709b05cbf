// The Stripe and Claude emulators in their own process, so their work is not counted against the engine.
import { spawnTs } from '../lib/child.ts';
import type { SandboxUrls } from '../../src/services/service-endpoints.ts';

export interface SandboxProcess extends SandboxUrls {
  pid: number | undefined;
  stop(): Promise<void>;
}

export async function startSandboxProcess(): Promise<SandboxProcess> {
  const child = spawnTs('src/sandbox/serve-process.ts');
  try {
    const { value } = await child.lines.next();
    const urls = value as Partial<SandboxUrls>;
    if (typeof urls.stripeUrl !== 'string' || typeof urls.anthropicUrl !== 'string') {
      throw new Error(`the sandbox printed ${JSON.stringify(value)}, not {"stripeUrl", "anthropicUrl"}`);
    }
    return { stripeUrl: urls.stripeUrl, anthropicUrl: urls.anthropicUrl, pid: child.process.pid, stop: child.stop };
  } catch (error) {
    await child.stop();
    throw error;
  }
}
