// The .osoplog of a run as the server answers it (GET /api/runs/:id/osoplog), checked against the OSOP log schema.
import { expect } from 'vitest';
import { parse } from 'yaml';
import { schemaValidator } from '../../../src/osop/schema-verdict.ts';

/** `baseUrl`: the server's, e.g. `server.url`. */
export async function fetchValidOsoplog(baseUrl: string, runId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}/api/runs/${runId}/osoplog`);
  expect(response.status).toBe(200);
  const log = parse(await response.text()) as Record<string, unknown>;
  const validate = schemaValidator('osoplog');
  expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  return log;
}
