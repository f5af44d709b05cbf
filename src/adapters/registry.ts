// Stripe and Claude, live or emulated: which mode each service runs in, and the executors that talk to it.
import type { Executor, ExecutorRegistry } from './executor.ts';
import { createAgentExecutor, ANTHROPIC_DEFAULT_BASE } from './agent/executor.ts';
import { createApiExecutor } from './api/executor.ts';
import type { FetchLike } from './api/http.ts';
import { STRIPE_DEFAULT_BASE } from './stripe/client.ts';
import { SANDBOX_ANTHROPIC_KEY, SANDBOX_STRIPE_KEY } from '../sandbox/start.ts';

export type ServiceMode = 'live' | 'sandbox';
export type Env = Record<string, string | undefined>;

export interface ServiceModes {
  /** Live when STRIPE_SECRET_KEY is set (and not forced to sandbox). */
  stripe: ServiceMode;
  /** Live when ANTHROPIC_API_KEY is set (and not forced to sandbox). */
  anthropic: ServiceMode;
  /** Start the emulators (`startSandbox()`): a service is emulated and no STRIPE_API_BASE / ANTHROPIC_BASE_URL sends it elsewhere. */
  needsSandbox: boolean;
}

export interface SandboxUrls {
  stripeUrl: string;
  anthropicUrl: string;
}

export interface ServiceExecutorOptions {
  /** One mode for both services, or the per-service decision of resolveServiceMode(). */
  mode: ServiceMode | Omit<ServiceModes, 'needsSandbox'>;
  /** The running emulators; used for the services in sandbox mode. */
  sandbox?: SandboxUrls;
  /** Explicit base URLs win over STRIPE_API_BASE / ANTHROPIC_BASE_URL, which win over the sandbox. */
  stripeBaseUrl?: string;
  anthropicBaseUrl?: string;
  /** Used when a Stripe node sends no Authorization header. */
  stripeKey?: string;
  anthropicKey?: string;
  env?: Env;
  fetch?: FetchLike;
}

export interface ServiceExecutors extends ExecutorRegistry {
  api: Executor;
  agent: Executor;
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

/**
 * Per service: live when its key is in the environment, else sandbox. With only one key set, that
 * service is live and the other emulated. `forceSandbox` (`--sandbox`) emulates both.
 */
export const resolveServiceMode = (env: Env, options: { forceSandbox?: boolean } = {}): ServiceModes => {
  const stripe: ServiceMode = !options.forceSandbox && isSet(env.STRIPE_SECRET_KEY) ? 'live' : 'sandbox';
  const anthropic: ServiceMode = !options.forceSandbox && isSet(env.ANTHROPIC_API_KEY) ? 'live' : 'sandbox';
  const needsSandbox = (stripe === 'sandbox' && !isSet(env.STRIPE_API_BASE)) || (anthropic === 'sandbox' && !isSet(env.ANTHROPIC_BASE_URL));
  return { stripe, anthropic, needsSandbox };
};

const modesOf = (mode: ServiceExecutorOptions['mode']) => (typeof mode === 'string' ? { stripe: mode, anthropic: mode } : mode);

const NOT_HTTP = 'is not an http(s) URL: set it to e.g. http://localhost:12111';

const urlProblem = (url: string): string | undefined => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return NOT_HTTP;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return NOT_HTTP;
  if (parsed.username || parsed.password) return 'must not hold user:password — give keys as STRIPE_SECRET_KEY / ANTHROPIC_API_KEY';
  return undefined;
};

const checkedUrl = (url: string, source: string): string => {
  const problem = urlProblem(url);
  if (problem) throw new Error(`${source} ${problem}`);
  return url;
};

const baseUrl = (service: 'Stripe' | 'Claude', choices: Array<[string | undefined, string]>, mode: ServiceMode, fallback: string): string => {
  const chosen = choices.find(([url]) => isSet(url));
  if (chosen) return checkedUrl(chosen[0]!, chosen[1]);
  if (mode === 'live') return fallback;
  throw new Error(`${service} is in sandbox mode but no sandbox URL was given: start it with startSandbox() and pass its URLs`);
};

export const createServiceExecutors = (options: ServiceExecutorOptions): ServiceExecutors => {
  const env = options.env ?? process.env;
  const modes = modesOf(options.mode);
  const stripeBase = baseUrl(
    'Stripe',
    [
      [options.stripeBaseUrl, 'stripeBaseUrl'],
      [env.STRIPE_API_BASE, 'STRIPE_API_BASE'],
      [modes.stripe === 'sandbox' ? options.sandbox?.stripeUrl : undefined, 'the sandbox Stripe URL'],
    ],
    modes.stripe,
    STRIPE_DEFAULT_BASE,
  );
  const anthropicBase = baseUrl(
    'Claude',
    [
      [options.anthropicBaseUrl, 'anthropicBaseUrl'],
      [env.ANTHROPIC_BASE_URL, 'ANTHROPIC_BASE_URL'],
      [modes.anthropic === 'sandbox' ? options.sandbox?.anthropicUrl : undefined, 'the sandbox Claude URL'],
    ],
    modes.anthropic,
    ANTHROPIC_DEFAULT_BASE,
  );
  const stripeKey = options.stripeKey ?? (modes.stripe === 'live' ? env.STRIPE_SECRET_KEY : SANDBOX_STRIPE_KEY);
  const anthropicKey = options.anthropicKey ?? (modes.anthropic === 'live' ? env.ANTHROPIC_API_KEY : SANDBOX_ANTHROPIC_KEY);
  return {
    api: createApiExecutor({ stripe: { baseUrl: stripeBase, apiKey: stripeKey }, fetch: options.fetch }),
    agent: createAgentExecutor({ baseURL: anthropicBase, apiKey: anthropicKey, fetch: options.fetch }),
  };
};

/**
 * The secrets a run should use: the user's, plus STRIPE_SECRET_KEY / ANTHROPIC_API_KEY when the user
 * gave none — the environment's key for a live service, the sandbox key for an emulated one.
 */
export const serviceSecrets = (
  modes: Omit<ServiceModes, 'needsSandbox'>,
  env: Env,
  secrets: Record<string, string> = {},
): Record<string, string> => {
  const result = { ...secrets };
  const stripeKey = modes.stripe === 'live' ? env.STRIPE_SECRET_KEY : SANDBOX_STRIPE_KEY;
  const anthropicKey = modes.anthropic === 'live' ? env.ANTHROPIC_API_KEY : SANDBOX_ANTHROPIC_KEY;
  if (!isSet(result.STRIPE_SECRET_KEY) && isSet(stripeKey)) result.STRIPE_SECRET_KEY = stripeKey;
  if (!isSet(result.ANTHROPIC_API_KEY) && isSet(anthropicKey)) result.ANTHROPIC_API_KEY = anthropicKey;
  return result;
};

const shown = (url: string): string => {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname.replace(/\/$/, '')}`;
  } catch {
    return 'an invalid URL';
  }
};

/** The line the CLI prints once before a run, e.g. "sandbox: Stripe and Claude emulated locally — set ...". */
export const describeServiceMode = (modes: Omit<ServiceModes, 'needsSandbox'>, env: Env = {}): string => {
  const emulated = [modes.stripe === 'sandbox' ? 'Stripe' : undefined, modes.anthropic === 'sandbox' ? 'Claude' : undefined].filter(Boolean);
  const keys = [modes.stripe === 'sandbox' ? 'STRIPE_SECRET_KEY' : undefined, modes.anthropic === 'sandbox' ? 'ANTHROPIC_API_KEY' : undefined].filter(Boolean);
  const live = [modes.stripe === 'live' ? 'Stripe' : undefined, modes.anthropic === 'live' ? 'Claude' : undefined].filter(Boolean);
  const overrides = [
    isSet(env.STRIPE_API_BASE) ? `Stripe calls go to ${shown(env.STRIPE_API_BASE)} (STRIPE_API_BASE)` : undefined,
    isSet(env.ANTHROPIC_BASE_URL) ? `Claude calls go to ${shown(env.ANTHROPIC_BASE_URL)} (ANTHROPIC_BASE_URL)` : undefined,
  ].filter(Boolean);
  const head =
    emulated.length === 0
      ? 'live: Stripe and Claude'
      : `sandbox: ${emulated.join(' and ')} emulated locally — set ${keys.join(' / ')} for live${live.length ? ` (${live.join(', ')} live)` : ''}`;
  return [head, ...overrides].join('; ');
};
