// The Claude client the chat talks to: live with ANTHROPIC_API_KEY, else the sandbox emulator — same SDK code path.
import Anthropic from '@anthropic-ai/sdk';
import { isSet, resolveServiceMode, serviceEndpoint, type Env } from '../../services/service-endpoints.ts';

export interface ChatClaudeOptions {
  env?: Env;
  forceSandbox?: boolean;
  /** The running emulators (createRuntime / startSandbox), used when Claude is emulated. */
  sandbox?: { anthropicUrl: string };
}

export const createChatClaude = ({ env = process.env, forceSandbox, sandbox }: ChatClaudeOptions = {}): Anthropic => {
  const mode = resolveServiceMode(env, { forceSandbox });
  const { baseUrl, apiKey } = serviceEndpoint('anthropic', { mode, sandbox, env });
  return new Anthropic({ apiKey, baseURL: baseUrl, logLevel: 'off' });
};

/** The model the chat uses: SOPSTATE_CHAT_MODEL, else the default. */
export const chatModelFrom = (env: Env = process.env): string | undefined =>
  isSet(env.SOPSTATE_CHAT_MODEL) ? env.SOPSTATE_CHAT_MODEL : undefined;
