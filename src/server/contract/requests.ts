// What each request of the API may carry, one schema per body (and the runs list's query). The routes validate with
// these (see validate.ts), the chat's client and the page get their request types from them.
//
// Messages read after the field's name ("comment must be a string"); `describe()` is the body to send instead.
// A refusal's `code` is `bad-request` unless the issue carries `params.code`.
import { z } from 'zod';
import type { RunStatus } from '../../events/run-event.ts';
import { isRecord } from '../../util/is-record.ts';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../json-depth.ts';

const AN_OBJECT = { error: 'must be a JSON object' };

/** A JSON object of name → value; kept as sent (nothing copied, however deep it nests). */
const jsonObject = (error: string, code?: string) =>
  z.custom<Record<string, unknown>>(isRecord, { error, ...(code ? { params: { code } } : {}) });

/** Inputs as a person typed them (the page's form, `sopstate retry --input`): typed by the workflow's input schema. */
const inputText = z.record(z.string(), z.string({ error: 'must be text (a string) for each input' }), {
  error: 'must be a JSON object of name → text as typed',
});

/** POST /api/runs. Each input is checked against the workflow's declared inputs before the run starts. */
export const startRunBody = z
  .object(
    {
      workflow: z.string({ error: 'must be the id of a workflow (a string; see GET /api/workflows)' }),
      inputs: jsonObject('must be a JSON object of name → value', 'inputs-not-object').optional(),
      inputText: inputText.optional(),
      /** Walk the workflow without calling anything, along its happy path (docs/semantics.md "Dry runs"). */
      dryRun: z.boolean({ error: 'must be true or false' }).optional(),
      /** With dryRun: follow this path, as `sopstate paths` numbers it, instead of the happy path. */
      path: z
        .number({ error: 'must be a path number (see sopstate paths)' })
        .int({ error: 'must be a whole number from 1' })
        .min(1, { error: 'must be a whole number from 1' })
        .optional(),
    },
    AN_OBJECT,
  )
  .refine((body) => body.path === undefined || body.dryRun === true, {
    error: 'path only applies to a dry run: send "dryRun": true with it',
    path: ['path'],
  })
  .describe(
    '{"workflow": "<id>", "inputs"?: {...}, "inputText"?: {"<name>": "<text as typed>"}, "dryRun"?: true, "path"?: N}',
  );

/** POST /api/runs/:id/signal: a person's decision on a waiting human node. */
export const signalBody = z
  .object(
    {
      node: z.string({ error: 'must be the id of the waiting node (a string)' }),
      decision: z.enum(['approved', 'rejected'], { error: 'must be "approved" or "rejected"' }),
      comment: z.string({ error: 'must be a string (or left out)' }).nullish(),
      data: jsonObject('must be a JSON object of field → value (or left out)')
        .nullish()
        .refine((data) => !nestsDeeperThan(data, MAX_JSON_DEPTH), {
          error: `nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep; send a flatter value`,
        }),
    },
    AN_OBJECT,
  )
  .describe('{"node": "<id>", "decision": "approved" | "rejected", "comment"?: "..."}');

const EVENT_NAME_MAX = 200;

/** POST /api/runs/:id/events: a named event for the node that waits for it at an `event` edge. */
export const deliverEventBody = z
  .object(
    {
      name: z
        .string({ error: 'must be the name of the event (a string; an event edge waits for it by name)' })
        .trim()
        .min(1, { error: 'must not be empty' })
        .max(EVENT_NAME_MAX, { error: `must be at most ${EVENT_NAME_MAX} characters` }),
      data: z
        .unknown()
        .optional()
        .refine((data) => !nestsDeeperThan(data, MAX_JSON_DEPTH), {
          error: `nests arrays/objects more than ${MAX_JSON_DEPTH} levels deep; send a flatter value`,
        }),
    },
    AN_OBJECT,
  )
  .describe('{"name": "<event name>", "data"?: <any JSON value>}');

/** POST /api/runs/:id/retry: where to start again (default: the failed node) and inputs to change. */
export const retryBody = z
  .object(
    {
      from: z.string({ error: 'must be the id of a node (a string, or left out)' }).optional(),
      inputs: jsonObject('must be a JSON object of name → value (or left out)').optional(),
      inputText: inputText.optional(),
    },
    AN_OBJECT,
  )
  .describe('{"from"?: "<node id>", "inputs"?: {...}, "inputText"?: {...}}');

/** POST /login: the page trades the token for its cookie. */
export const loginBody = z
  .object({ token: z.string({ error: 'must be the server token (a string)' }) }, AN_OBJECT)
  .describe('{"token": "<SOPSTATE_TOKEN>"}');

const MAX_CHAT_MESSAGE = 8_000;

/** POST /api/chat: one message, in a new conversation or an earlier one. */
export const chatMessageBody = z
  .object(
    {
      message: z
        .string({ error: 'must be a string' })
        .refine((message) => message.trim() !== '', { error: 'must not be empty' })
        .superRefine((message, ctx) => {
          if (message.length <= MAX_CHAT_MESSAGE) return;
          ctx.addIssue({
            code: 'custom',
            message: `is ${message.length} characters; the limit is ${MAX_CHAT_MESSAGE}`,
            params: { code: 'message-too-long' },
          });
        }),
      conversationId: z
        .string({ error: 'must be a string from an earlier "conversation" event (or left out)' })
        .optional(),
    },
    AN_OBJECT,
  )
  .describe('{"message": "...", "conversationId"?: "..."}');

/** POST /api/chat/confirm: the person's "yes" to the action waiting in a conversation. */
export const chatConfirmBody = z
  .object({ conversationId: z.string({ error: 'must be the id of the conversation (a string)' }) }, AN_OBJECT)
  .describe('{"conversationId": "..."}');

const MAX_RUNS_PAGE = 100;
const MAX_SEARCH = 200;
/** A query parameter that was repeated arrives as a list. */
const ONCE = { error: 'must be given once' };
const RUN_STATUSES = [
  'RUNNING',
  'COMPLETED',
  'FAILED',
  'TIMEOUT',
  'COST_LIMIT',
  'CANCELLED',
  'DRY_RUN',
] as const satisfies readonly RunStatus[];

/** A whole number from the query (absent or empty: `fallback`); past 2^53 a count is no longer exact. */
const count = (fallback: number, min: number, max: number, error: string) =>
  z
    .string(ONCE)
    .optional()
    .transform((text, ctx) => {
      const value = text === undefined || text === '' ? fallback : /^\d+$/.test(text) ? Number(text) : NaN;
      if (Number.isSafeInteger(value) && value >= min && value <= max) return value;
      ctx.addIssue({ code: 'custom', message: error, params: { code: 'bad-page' } });
      return z.NEVER;
    });

const MAX_WORKFLOWS_PAGE = 500;

/** GET /api/workflows?limit&offset&q: a page of summaries (q: part of the id, name or file, any case). */
export const workflowListQuery = z.object({
  limit: count(50, 1, MAX_WORKFLOWS_PAGE, `must be a whole number from 1 to ${MAX_WORKFLOWS_PAGE}`),
  offset: count(0, 0, Number.MAX_SAFE_INTEGER, 'must be a whole number'),
  q: z
    .string(ONCE)
    .max(MAX_SEARCH, `must be at most ${MAX_SEARCH} characters`)
    .optional()
    .transform((text) => text?.trim().toLowerCase() || undefined),
});

/** GET /api/runs?limit&offset&workflow&status&q */
export const runListQuery = z.object({
  limit: count(20, 1, MAX_RUNS_PAGE, `must be a whole number from 1 to ${MAX_RUNS_PAGE}`),
  offset: count(0, 0, Number.MAX_SAFE_INTEGER, 'must be a whole number'),
  workflow: z
    .string(ONCE)
    .optional()
    .transform((id) => id || undefined),
  status: z
    .string(ONCE)
    .optional()
    .transform((text, ctx): RunStatus | undefined => {
      const wanted = text?.toUpperCase() || undefined;
      const status = RUN_STATUSES.find((known) => known === wanted);
      if (wanted === undefined || status) return status;
      ctx.addIssue({
        code: 'custom',
        message: `must be one of ${RUN_STATUSES.join(', ')}`,
        params: { code: 'bad-filter' },
      });
      return z.NEVER;
    }),
  q: z
    .string(ONCE)
    .optional()
    .transform((search, ctx) => {
      if (search === undefined || search.length <= MAX_SEARCH) return search?.trim() || undefined;
      ctx.addIssue({
        code: 'custom',
        message: `(the search text) may be at most ${MAX_SEARCH} characters`,
        params: { code: 'bad-filter' },
      });
      return z.NEVER;
    }),
});

/** What the page and `sopstate chat` send to the chat (its routes are mounted apart from AppType). */
export type ChatMessageRequest = z.input<typeof chatMessageBody>;
export type ChatConfirmRequest = z.input<typeof chatConfirmBody>;
