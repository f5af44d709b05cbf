// Conversions between plain JS values and CEL values. JSON integers enter CEL as int (bigint).
import { isCelList, isCelMap, isCelUint, type CelInput } from '@bufbuild/cel';

export function toCel(value: unknown): CelInput {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (value instanceof Uint8Array) return value;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toCel);
  if (isCelList(value) || isCelMap(value)) return value;
  if (typeof value === 'object') {
    const map = new Map<string, CelInput>();
    for (const [key, entry] of Object.entries(value)) map.set(key, toCel(entry));
    return map;
  }
  return String(value);
}

interface ProtoMessage {
  $typeName: string;
  seconds?: bigint;
  nanos?: number;
}

function protoMessageOf(value: object): ProtoMessage | undefined {
  const candidate = (value as { message?: unknown }).message ?? value;
  if (candidate && typeof candidate === 'object' && typeof (candidate as ProtoMessage).$typeName === 'string') {
    return candidate as ProtoMessage;
  }
  return undefined;
}

export function fromCel(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Uint8Array) return value;
  if (isCelUint(value)) return Number(value.value);
  if (isCelList(value)) return Array.from(value, fromCel);
  if (isCelMap(value)) {
    const result: Record<string, unknown> = {};
    for (const [key, entry] of value) result[String(key)] = fromCel(entry);
    return result;
  }
  if (Array.isArray(value)) return value.map(fromCel);
  const message = protoMessageOf(value);
  if (message) {
    const millis = Number(message.seconds ?? 0n) * 1000 + Math.floor((message.nanos ?? 0) / 1e6);
    if (message.$typeName === 'google.protobuf.Timestamp') return new Date(millis).toISOString();
    if (message.$typeName === 'google.protobuf.Duration') return millis;
  }
  if (value instanceof Map) return fromCel(Object.fromEntries(value));
  const result: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) result[key] = fromCel(entry);
  return result;
}
