// The real parts behind a server: the XState runner, the loader, Stripe/Claude executors (live or
// sandboxed), local executors (human, cli when allowed), and the secrets runs may use.
import type { Env } from '../services/service-endpoints.ts';
import { createLocalExecutors } from '../adapters/local.ts';
import { openServices } from '../services/open-services.ts';
import { startRun } from '../machine/runner.ts';
import { loadWorkflowFile } from '../osop/load.ts';
import { renderMermaid } from '../osop/render-mermaid.ts';
import type { Sandbox, StreamPacing } from '../sandbox/start.ts';
import type { SecretSource } from './run-manager.ts';
import type { ServerRuntime } from './start-server.ts';

export interface RuntimeOptions {
  allowCli?: boolean;
  /** Emulate Stripe and Claude even when keys are set. */
  forceSandbox?: boolean;
  env?: Env;
  /** Told once which services are live and which are emulated. */
  announce?: (line: string) => void;
  /** How the emulated Claude stream is paced (default: all at once). */
  pacing?: StreamPacing;
}

export interface Runtime {
  runtime: ServerRuntime;
  /** `${secrets.X}` from the environment, plus the service keys (the sandbox's when emulated). */
  secret: SecretSource;
  sandbox?: Sandbox;
  close(): Promise<void>;
}

export const createRuntime = async (options: RuntimeOptions = {}): Promise<Runtime> => {
  const env = options.env ?? process.env;
  const services = await openServices({
    env,
    forceSandbox: options.forceSandbox,
    announce: options.announce,
    pacing: options.pacing,
  });
  const keys = services.withServiceKeys({});
  return {
    runtime: {
      startRun: (runOptions) => startRun({ ...runOptions, emulated: services.emulated }),
      load: loadWorkflowFile,
      renderMermaid,
      createExecutors: () => ({ ...createLocalExecutors({ allowCli: options.allowCli }), ...services.executors }),
    },
    secret: (name) => keys[name] ?? env[name],
    sandbox: services.sandbox,
    close: services.close,
  };
};
