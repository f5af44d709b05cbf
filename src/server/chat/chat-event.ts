// What POST /api/chat streams: one JSON object per SSE `data:` line, discriminated by `type`.
import type { RunEvent } from '../../events/run-event.ts';

/** An action the model asked for that waits for the person: nothing has happened yet. */
export type PendingAction =
  | {
      kind: 'start_run';
      workflow: string;
      workflowName: string;
      inputs: Record<string, unknown>;
      /** Why a person must confirm, e.g. "creates Stripe charges". */
      reasons: string[];
      summary: ConfirmSummary;
    }
  | {
      kind: 'signal';
      runId: string;
      node: string;
      decision: 'approved' | 'rejected';
      reasons: string[];
      summary: ConfirmSummary;
    };

export interface ConfirmSummary {
  /** One line a person can read, e.g. "Run stripe-payment: charge 25.00 USD to john@example.com". */
  text: string;
  workflow?: string;
  amount?: number;
  currency?: string;
  email?: string;
  /** The inputs the run will get, defaults included (start_run only). */
  inputs?: Record<string, unknown>;
  /** One line each: the inputs, then every step that acts, with the values it sends. */
  details?: string[];
  /** Where what will run differs from what the person asked for. */
  differences?: string[];
}

export type ChatEvent =
  | { type: 'conversation'; conversationId: string }
  | { type: 'assistant.delta'; text: string }
  | { type: 'tool.call'; id: string; name: string; input: unknown }
  | { type: 'tool.result'; id: string; name: string; isError: boolean; summary: string }
  | ({ type: 'confirm.required' } & ConfirmSummary & { action: PendingAction })
  | { type: 'confirm.cancelled'; summary: string }
  | { type: 'run.started'; runId: string; workflow: string }
  | { type: 'run.event'; event: RunEvent }
  | { type: 'error'; message: string }
  | { type: 'done' };

export type EmitChatEvent = (event: ChatEvent) => void;
