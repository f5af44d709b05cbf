export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'overloaded_error';

/** An error answered as `{type: "error", error: {type, message}, request_id}`. */
export class AnthropicHttpError extends Error {
  readonly status: number;
  readonly type: AnthropicErrorType;
  readonly headers: Record<string, string>;

  constructor(status: number, type: AnthropicErrorType, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'AnthropicHttpError';
    this.status = status;
    this.type = type;
    this.headers = headers;
  }

  body(requestId: string): { type: 'error'; error: { type: AnthropicErrorType; message: string }; request_id: string } {
    return { type: 'error', error: { type: this.type, message: this.message }, request_id: requestId };
  }
}

export function invalidRequest(message: string): AnthropicHttpError {
  return new AnthropicHttpError(400, 'invalid_request_error', message);
}
