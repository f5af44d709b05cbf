// Stripe and Claude, live or emulated: which mode each service runs in, and the executors that talk to it.
import type { Executor, ExecutorRegistry } from '../adapters/executor.ts';
import { createAgentExecutor, ANTHROPIC_DEFAULT_BASE } from '../adapters/agent/executor.ts';
import { createApiExecutor } from '../adapters/api/executor.ts';
import type { FetchLike } from '../adapters/api/http.ts';
import { STRIPE_DEFAULT_BASE } from '../adapters/stripe/client.ts';
import { SANDBOX_ANTHROPIC_KEY, SANDBOX_STRIPE_KEY } from '../sandbox/start.ts';

type ServiceMode = 'live' | 'sandbox';
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
  sandbox?: Partial<SandboxUrls>;
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

/** A variable that is set to something other than blanks. */
export const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

export type Service = 'stripe' | 'anthropic';
export const SERVICE_IDS: readonly Service[] = ['stripe', 'anthropic'];

interface ServiceFacts {
  name: string;
  keyVar: string;
  baseVar: string;
  baseOption: 'stripeBaseUrl' | 'anthropicBaseUrl';
  sandboxUrl: keyof SandboxUrls;
  sandboxKey: string;
  liveBase: string;
}

/** What differs between the two services; the functions below treat them alike through this table. */
const SERVICES: Record<Service, ServiceFacts> = {
  stripe: {
    name: 'Stripe',
    keyVar: 'STRIPE_SECRET_KEY',
    baseVar: 'STRIPE_API_BASE',
    baseOption: 'stripeBaseUrl',
    sandboxUrl: 'stripeUrl',
    sandboxKey: SANDBOX_STRIPE_KEY,
    liveBase: STRIPE_DEFAULT_BASE,
  },
  anthropic: {
    name: 'Claude',
    keyVar: 'ANTHROPIC_API_KEY',
    baseVar: 'ANTHROPIC_BASE_URL',
    baseOption: 'anthropicBaseUrl',
    sandboxUrl: 'anthropicUrl',
    sandboxKey: SANDBOX_ANTHROPIC_KEY,
    liveBase: ANTHROPIC_DEFAULT_BASE,
  },
};

/**
 * Per service: live when its key is in the environment, else sandbox. With only one key set, that
 * service is live and the other emulated. `forceSandbox` (`--sandbox`) emulates both.
 */
export const resolveServiceMode = (env: Env, options: { forceSandbox?: boolean } = {}): ServiceModes => {
  const modeOf = (service: Service): ServiceMode =>
    !options.forceSandbox && isSet(env[SERVICES[service].keyVar]) ? 'live' : 'sandbox';
  const modes = { stripe: modeOf('stripe'), anthropic: modeOf('anthropic') };
  const needsSandbox = SERVICE_IDS.some(
    (service) => modes[service] === 'sandbox' && !isSet(env[SERVICES[service].baseVar]),
  );
  return { ...modes, needsSandbox };
};

const modesOf = (mode: ServiceExecutorOptions['mode']) =>
  typeof mode === 'string' ? { stripe: mode, anthropic: mode } : mode;

const NOT_HTTP = 'is not an http(s) URL: set it to e.g. http://localhost:12111';

const urlProblem = (url: string): string | undefined => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return NOT_HTTP;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return NOT_HTTP;
  if (parsed.username || parsed.password)
    return 'must not hold user:password — give keys as STRIPE_SECRET_KEY / ANTHROPIC_API_KEY';
  return undefined;
};

const checkedUrl = (url: string, source: string): string => {
  const problem = urlProblem(url);
  if (problem) throw new Error(`${source} ${problem}`);
  return url;
};

const baseUrl = (service: Service, mode: ServiceMode, options: ServiceExecutorOptions, env: Env): string => {
  const { name, baseOption, baseVar, sandboxUrl, liveBase } = SERVICES[service];
  const choices: Array<[string | undefined, string]> = [
    [options[baseOption], baseOption],
    [env[baseVar], baseVar],
    [mode === 'sandbox' ? options.sandbox?.[sandboxUrl] : undefined, `the sandbox ${name} URL`],
  ];
  const chosen = choices.find(([url]) => isSet(url));
  if (chosen) return checkedUrl(chosen[0]!, chosen[1]);
  if (mode === 'live') return liveBase;
  throw new Error(
    `${name} is in sandbox mode but no sandbox URL was given: start it with startSandbox() and pass its URLs`,
  );
};

/** The environment's key for a live service, the sandbox key for an emulated one. */
const keyFor = (service: Service, mode: ServiceMode, env: Env): string | undefined =>
  mode === 'live' ? env[SERVICES[service].keyVar] : SERVICES[service].sandboxKey;

/** Where one service's calls go and with which key, for clients other than the executors (the chat's Claude). */
export const serviceEndpoint = (
  service: Service,
  options: ServiceExecutorOptions,
): { baseUrl: string; apiKey: string | undefined } => {
  const env = options.env ?? process.env;
  const mode = modesOf(options.mode)[service];
  return { baseUrl: baseUrl(service, mode, options, env), apiKey: keyFor(service, mode, env) };
};

export const createServiceExecutors = (options: ServiceExecutorOptions): ServiceExecutors => {
  const env = options.env ?? process.env;
  const modes = modesOf(options.mode);
  const base = (service: Service) => baseUrl(service, modes[service], options, env);
  const key = (service: Service) => keyFor(service, modes[service], env);
  const stripe = { baseUrl: base('stripe'), apiKey: options.stripeKey ?? key('stripe') };
  const anthropic = { baseURL: base('anthropic'), apiKey: options.anthropicKey ?? key('anthropic') };
  return {
    api: createApiExecutor({ stripe, fetch: options.fetch }),
    agent: createAgentExecutor({ ...anthropic, fetch: options.fetch }),
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
  for (const service of SERVICE_IDS) {
    const { keyVar } = SERVICES[service];
    const key = keyFor(service, modes[service], env);
    if (!isSet(result[keyVar]) && isSet(key)) result[keyVar] = key;
  }
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
  const inMode = (mode: ServiceMode) =>
    SERVICE_IDS.filter((service) => modes[service] === mode).map((service) => SERVICES[service]);
  const emulated = inMode('sandbox').map(({ name }) => name);
  const keys = inMode('sandbox').map(({ keyVar }) => keyVar);
  const live = inMode('live').map(({ name }) => name);
  const overrides = SERVICE_IDS.flatMap((service) => {
    const { name, baseVar } = SERVICES[service];
    const url = env[baseVar];
    return isSet(url) ? [`${name} calls go to ${shown(url)} (${baseVar})`] : [];
  });
  const head =
    emulated.length === 0
      ? 'live: Stripe and Claude'
      : `sandbox: ${emulated.join(' and ')} emulated locally — set ${keys.join(' / ')} for live${live.length ? ` (${live.join(', ')} live)` : ''}`;
  return [head, ...overrides].join('; ');
};
