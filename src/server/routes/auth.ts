// With a token configured, /api needs `Authorization: Bearer <token>` or the cookie POST /login sets.
import { createHash, timingSafeEqual } from 'node:crypto';
import { Hono, type MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { ApiError } from '../api-error.ts';
import { loginBody } from '../contract/requests.ts';
import { jsonBody } from '../validate.ts';

const TOKEN_COOKIE = 'sopstate_token';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

const sameToken = (given: string | undefined, token: string): boolean =>
  given !== undefined && timingSafeEqual(digest(given), digest(token));

const bearer = (header: string | undefined): string | undefined => {
  const match = header?.match(/^Bearer\s+(.+)$/i);
  return match?.[1]?.trim();
};

export const requireToken =
  (token: string | undefined): MiddlewareHandler =>
  async (c, next) => {
    if (!token) return next();
    if (sameToken(bearer(c.req.header('Authorization')), token) || sameToken(getCookie(c, TOKEN_COOKIE), token)) {
      return next();
    }
    throw new ApiError(
      401,
      'unauthorized',
      'this server needs a token: send "Authorization: Bearer <SOPSTATE_TOKEN>"',
      {
        headers: { 'WWW-Authenticate': 'Bearer realm="sopstate"' },
      },
    );
  };

/** POST /login {token} sets an HttpOnly cookie for the web page; POST /logout clears it. */
export const loginRoutes = (token: string | undefined) =>
  new Hono()
    .post('/login', jsonBody(loginBody), async (c) => {
      if (!token) return c.json({ ok: true, required: false });
      if (!sameToken(c.req.valid('json').token, token)) throw new ApiError(401, 'unauthorized', 'wrong token');
      setCookie(c, TOKEN_COOKIE, token, { httpOnly: true, sameSite: 'Strict', path: '/' });
      return c.json({ ok: true, required: true });
    })
    .post('/logout', (c) => {
      deleteCookie(c, TOKEN_COOKIE, { path: '/' });
      return c.json({ ok: true });
    });
