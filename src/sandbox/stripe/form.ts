import qs from 'qs';
import { invalidRequest } from './errors.ts';

export type Params = Record<string, unknown>;

const PARSE_OPTIONS = { depth: 10, arrayLimit: 1000, parameterLimit: 2000 } as const;

/** Parses Stripe's bracket-nested form encoding (`metadata[k]=v`, `expand[]=x`, `items[0][price]=...`). */
function parseForm(text: string): Params {
  return qs.parse(text, PARSE_OPTIONS) as Params;
}

/**
 * The parameters of a request: the query string for GET/DELETE, the form body for POST.
 * Stripe's v1 API only reads form bodies: a POST without that Content-Type (even one with no
 * body) is refused as it is by Stripe.
 */
export async function readRequestParams(request: Request): Promise<Params> {
  const url = new URL(request.url);
  const query = parseForm(url.search.replace(/^\?/, ''));
  if (request.method === 'GET' || request.method === 'DELETE') return query;
  const body = await request.text();
  const type = request.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/x-www-form-urlencoded')) {
    throw invalidRequest(
      'Invalid request (check that your POST content type is application/x-www-form-urlencoded). If you have any questions, we can help at https://support.stripe.com/.',
    );
  }
  if (body.trim().length === 0) return query;
  return { ...query, ...parseForm(body) };
}
