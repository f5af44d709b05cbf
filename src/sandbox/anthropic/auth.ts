import { AnthropicHttpError, invalidRequest } from './errors.ts';

/**
 * Any non-empty key is accepted, as `x-api-key` or `Authorization: Bearer`; `anthropic-version`
 * must be present and look like a version date (the SDK sends its own pinned one).
 */
export function checkAnthropicHeaders(headers: Headers): void {
  const apiKey = headers.get('x-api-key') ?? bearer(headers.get('authorization'));
  if (apiKey === undefined) throw new AnthropicHttpError(401, 'authentication_error', 'x-api-key header is required');
  if (apiKey.trim() === '') throw new AnthropicHttpError(401, 'authentication_error', 'invalid x-api-key');
  const version = headers.get('anthropic-version');
  if (version === null) throw invalidRequest('anthropic-version: header is required');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(version))
    throw invalidRequest(`anthropic-version: "${version}" is not a valid version`);
}

function bearer(authorization: string | null): string | undefined {
  const match = authorization?.match(/^Bearer\s+(.*)$/i);
  return match ? match[1] : undefined;
}
