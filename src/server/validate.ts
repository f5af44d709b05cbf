// Typed request bodies and queries: hono's validator with a schema from contract/requests.ts. A refusal is an
// ApiError (400) naming each field that is wrong, and the body to send (the schema's description).
import { zValidator } from '@hono/zod-validator';
import type { ValidationTargets } from 'hono';
import type { z } from 'zod';
import { ApiError } from './api-error.ts';

const codeOf = (issue: z.core.$ZodIssue): string =>
  issue.code === 'custom' && typeof issue.params?.code === 'string' ? issue.params.code : 'bad-request';

const sentence = (issue: z.core.$ZodIssue, target: string): string =>
  `${issue.path.length > 0 ? issue.path.join('.') : `the ${target}`} ${issue.message}`;

/** 400 with the first issue's code, every issue's field and what is wrong with it. */
const invalidRequest = (error: z.core.$ZodError, target: string, usage?: string): ApiError => {
  const [first] = error.issues;
  const problems = error.issues.map((issue) => sentence(issue, target)).join('; ');
  return new ApiError(400, first ? codeOf(first) : 'bad-request', usage ? `${problems}; send ${usage}` : problems);
};

const validated = <Target extends keyof ValidationTargets, Schema extends z.ZodType>(
  target: Target,
  name: string,
  schema: Schema,
) =>
  zValidator(target, schema, (result) => {
    if (!result.success) throw invalidRequest(result.error, name, schema.description);
  });

/** The JSON body, checked by `schema`: the handler reads it with `c.req.valid('json')`. */
export const jsonBody = <Schema extends z.ZodType>(schema: Schema) => validated('json', 'body', schema);

/** The query, checked by `schema`: the handler reads it with `c.req.valid('query')`. */
export const queryOf = <Schema extends z.ZodType>(schema: Schema) => validated('query', 'query', schema);
