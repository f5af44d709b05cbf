// The Claude client the chat talks to: live with ANTHROPIC_API_KEY, else the sandbox emulator — same SDK code path.
import Anthropic from '@anthropic-ai/sdk';
import { ANTHROPIC_DEFAULT_BASE } from '../../adapters/agent/executor.ts';
import { resolveServiceMode, type Env } from '../../adapters/registry.ts';
import { SANDBOX_ANTHROPIC_KEY } from '../../sandbox/keys.ts';

export interface ChatClaudeOptions {
  env?: Env;
  forceSandbox?: boolean;
  /** The running emulators (createRuntime / startSandbox), used when Claude is emulated. */
  sandbox?: { anthropicUrl: string };
}

const isSet = (value: string | undefined): value is string => value !== undefined && value.trim() !== '';

export const createChatClaude = ({ env = process.env, forceSandbox, sandbox }: ChatClaudeOptions = {}): Anthropic => {
  const mode = resolveServiceMode(env, { forceSandbox }).anthropic;
  const baseURL = isSet(env.ANTHROPIC_BASE_URL)
    ? env.ANTHROPIC_BASE_URL
    : mode === 'live'
      ? ANTHROPIC_DEFAULT_BASE
      : sandbox?.anthropicUrl;
  if (!baseURL) throw new Error('the chat needs Claude: set ANTHROPIC_API_KEY, or start the sandbox and pass its URLs');
  const apiKey = mode === 'live' ? (env.ANTHROPIC_API_KEY as string) : SANDBOX_ANTHROPIC_KEY;
  return new Anthropic({ apiKey, baseURL, logLevel: 'off' });
};

/** The model the chat uses: SOPSTATE_CHAT_MODEL, else the default. */
export const chatModelFrom = (env: Env = process.env): string | undefined =>
  isSet(env.SOPSTATE_CHAT_MODEL) ? env.SOPSTATE_CHAT_MODEL : undefined;
