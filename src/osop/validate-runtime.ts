// Type checks of runtime fields an executor relies on (api method/status/headers, agent limits, cli command).
import { type NormalizeContext } from './context.ts';
import { didYouMean } from './suggest.ts';
import { isRecord } from '../util/is-record.ts';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const isInterpolated = (value: unknown) => typeof value === 'string' && value.includes('${');

function isStatus(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599;
}

export function validateRuntime(raw: unknown, index: number, context: NormalizeContext): void {
  if (!isRecord(raw) || !isRecord(raw.runtime)) return;
  const runtime = raw.runtime;
  const at = (key: string) => ['nodes', index, 'runtime', key];
  const error = (key: string, message: string, suggestion?: string) =>
    context.sink.error({ code: 'invalid-runtime', path: at(key), message, suggestion });

  if (raw.type === 'api') {
    const method = runtime.method;
    if (
      method !== undefined &&
      !isInterpolated(method) &&
      !(typeof method === 'string' && METHODS.includes(method.toUpperCase()))
    ) {
      error(
        'method',
        `unknown HTTP method ${JSON.stringify(method)}`,
        didYouMean(String(method).toUpperCase(), METHODS) ?? `use one of ${METHODS.join(', ')}`,
      );
    }
    const expected = runtime.expected_status;
    if (
      expected !== undefined &&
      !isStatus(expected) &&
      !(Array.isArray(expected) && expected.length > 0 && expected.every(isStatus))
    ) {
      error(
        'expected_status',
        'expected_status must be an HTTP status (e.g. 200) or a list of them',
        'leave it out to accept any 2xx',
      );
    }
    for (const key of ['headers', 'query_params'] as const) {
      if (runtime[key] !== undefined && !isRecord(runtime[key]))
        error(key, `${key} must be a mapping of names to values`);
    }
    if (runtime.body_template !== undefined && typeof runtime.body_template !== 'string')
      error('body_template', 'body_template must be a string');
  }
  if (raw.type === 'agent') {
    const maxTokens = runtime.max_tokens;
    if (
      maxTokens !== undefined &&
      !isInterpolated(maxTokens) &&
      !(typeof maxTokens === 'number' && Number.isInteger(maxTokens) && maxTokens > 0)
    ) {
      error('max_tokens', 'max_tokens must be a whole number > 0');
    }
    const temperature = runtime.temperature;
    if (
      temperature !== undefined &&
      !isInterpolated(temperature) &&
      !(typeof temperature === 'number' && temperature >= 0 && temperature <= 1)
    ) {
      error('temperature', 'temperature must be a number from 0 to 1');
    }
  }
  if (
    raw.type === 'cli' &&
    runtime.command !== undefined &&
    typeof runtime.command !== 'string' &&
    !Array.isArray(runtime.command)
  ) {
    error('command', 'command must be a string (or a list of arguments)');
  }
}
