// Secret values for `${secrets.X}`: from the environment, a `.env` file, or `--secret X=v` (strongest last).
import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export class SecretFlagError extends Error {
  constructor(flag: string) {
    // Never echo the text: it may be the secret itself.
    super(
      `a --secret flag${flag.indexOf('=') > 0 ? ` for ${flag.slice(0, flag.indexOf('='))}` : ''} is not NAME=value: write --secret NAME=value`,
    );
    this.name = 'SecretFlagError';
  }
}

export interface SecretSources {
  /** Names the workflow uses; only these are taken from the environment and the .env file. */
  names: string[];
  /** `NAME=value` pairs from the command line. */
  flags?: string[];
  /** A `.env` file; missing is fine. */
  envFile?: string;
  env?: Record<string, string | undefined>;
}

/** `NAME=value` → [NAME, value]; undefined when it is not that shape. */
export function splitPair(text: string): [string, string] | undefined {
  const at = text.indexOf('=');
  if (at <= 0) return undefined;
  return [text.slice(0, at).trim(), text.slice(at + 1)];
}

function readEnvFile(path: string | undefined): Record<string, string> {
  if (!path || !existsSync(path)) return {};
  return parseEnv(readFileSync(path, 'utf8')) as Record<string, string>;
}

export function loadSecrets(sources: SecretSources): Record<string, string> {
  const env = sources.env ?? process.env;
  const file = readEnvFile(sources.envFile);
  const secrets: Record<string, string> = {};
  for (const name of sources.names) {
    const value = env[name] ?? file[name];
    if (value) secrets[name] = value;
  }
  for (const flag of sources.flags ?? []) {
    const pair = splitPair(flag);
    if (!pair) throw new SecretFlagError(flag);
    secrets[pair[0]] = pair[1];
  }
  return secrets;
}

/** Values sopstate itself holds: masked in everything a run emits, whether or not the workflow uses them. */
const KNOWN_SECRET_NAMES = ['STRIPE_SECRET_KEY', 'ANTHROPIC_API_KEY', 'SOPSTATE_TOKEN'] as const;

export function knownSecrets(lookup: (name: string) => string | undefined): Record<string, string> {
  const found: Record<string, string> = {};
  for (const name of KNOWN_SECRET_NAMES) {
    const value = lookup(name)?.trim();
    if (value) found[name] = value;
  }
  return found;
}
