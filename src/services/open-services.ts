// Stripe and Claude as one run's caller sees them: live with keys, else the sandbox started here.
import { startSandbox, type Sandbox, type StreamPacing } from '../sandbox/start.ts';
import {
  createServiceExecutors,
  describeServiceMode,
  resolveServiceMode,
  serviceSecrets,
  SERVICE_IDS,
  type Service,
  type Env,
  type ServiceExecutors,
  type ServiceModes,
} from './service-endpoints.ts';

export interface OpenServicesOptions {
  env?: Env;
  /** `--sandbox`: emulate both services even when keys are set. */
  forceSandbox?: boolean;
  /** Told once which services are live and which are emulated. */
  announce?: (line: string) => void;
  /** Paces the emulated Claude stream so a terminal shows it arrive. */
  streamChunkDelayMs?: number;
  /** Paces the emulated Claude stream like the real API (time to first token, then the text over a while). */
  pacing?: StreamPacing;
}

export interface Services {
  modes: ServiceModes;
  executors: ServiceExecutors;
  /** The user's secrets plus the service keys (the sandbox's for an emulated service). */
  withServiceKeys(secrets: Record<string, string>): Record<string, string>;
  sandbox?: Sandbox;
  /** The services answered by an emulator (the sandbox here, or one STRIPE_API_BASE/... points at). */
  emulated: Service[];
  close(): Promise<void>;
}

export const openServices = async (options: OpenServicesOptions = {}): Promise<Services> => {
  const env = options.env ?? process.env;
  const modes = resolveServiceMode(env, { forceSandbox: options.forceSandbox });
  const sandbox = modes.needsSandbox
    ? await startSandbox({ streamChunkDelayMs: options.streamChunkDelayMs, pacing: options.pacing })
    : undefined;
  options.announce?.(describeServiceMode(modes, env));
  return {
    modes,
    executors: createServiceExecutors({ mode: modes, sandbox, env }),
    withServiceKeys: (secrets) => serviceSecrets(modes, env, secrets),
    sandbox,
    emulated: SERVICE_IDS.filter((service) => modes[service] === 'sandbox'),
    close: async () => {
      await sandbox?.close();
    },
  };
};
