// A server reachable from other machines must ask for a token.
import { isIP } from 'node:net';

export class UnsafeBindingError extends Error {
  constructor(host: string) {
    super(
      `refusing to listen on ${host} without a token: anyone who can reach it could start payments. ` +
        'Set SOPSTATE_TOKEN (clients then send "Authorization: Bearer <token>"), or bind --host 127.0.0.1.',
    );
    this.name = 'UnsafeBindingError';
  }
}

export const isLoopback = (host: string): boolean => {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare.startsWith('::ffff:127.');
};

export const assertSafeBinding = (host: string, token: string | undefined): void => {
  if (!token && !isLoopback(host)) throw new UnsafeBindingError(host);
};
