// The HTTP surface of one server: health, login, then /api behind the token, then extra route modules.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { ServerContext } from './context.ts';
import { apiError } from './errors.ts';
import { loopbackHostsOnly } from './guards/host-check.ts';
import { throttlePerClient, type ThrottleOptions } from './guards/login-throttle.ts';
import { requireJsonBody, sameOriginOnly } from './guards/origin-check.ts';
import { pageSecurityHeaders } from './guards/secure-headers.ts';
import { loginRoutes, requireToken } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { machineRoutes } from './routes/machine.ts';
import { runEventRoutes } from './routes/run-events.ts';
import { runRoutes } from './routes/runs.ts';
import { workflowRoutes } from './routes/workflows.ts';

/** Adds routes (chat, web page...) to the app; `/api/*` paths are already behind the token. */
export type RouteModule = (app: Hono, ctx: ServerContext) => void;

export interface AppOptions {
  /** `SOPSTATE_TOKEN`: when set, every /api route needs it. */
  token?: string;
  /** Largest JSON body accepted, in bytes. */
  maxBodyBytes?: number;
  /** Origins allowed to call the API from a browser; none by default (CORS off). */
  corsOrigins?: string[];
  routes?: RouteModule[];
  /** Bound to loopback: answer only `Host` values that name loopback (DNS rebinding). */
  loopbackOnly?: boolean;
  /** POST /login attempts per client and window. */
  loginThrottle?: ThrottleOptions;
}

export const createApp = (ctx: ServerContext, options: AppOptions = {}): Hono => {
  const app = new Hono();
  app.use('*', pageSecurityHeaders());
  if (options.loopbackOnly) app.use('*', loopbackHostsOnly());
  app.use('*', sameOriginOnly(options.corsOrigins));
  if (options.corsOrigins?.length) app.use('/api/*', cors({ origin: options.corsOrigins, credentials: true }));
  app.use(
    '*',
    bodyLimit({
      maxSize: options.maxBodyBytes ?? 256 * 1024,
      onError: (c) =>
        apiError(c, 413, 'body-too-large', `request bodies are limited to ${options.maxBodyBytes ?? 256 * 1024} bytes`),
    }),
  );
  app.use('*', requireJsonBody);
  app.route('/', healthRoutes());
  app.use('/login', throttlePerClient(options.loginThrottle));
  app.route('/', loginRoutes(options.token));
  app.use('/api/*', requireToken(options.token));
  app.route('/api/workflows', workflowRoutes(ctx));
  app.route('/api/workflows', machineRoutes(ctx));
  app.route('/api/runs', runRoutes(ctx));
  app.route('/api/runs', runEventRoutes(ctx));
  for (const register of options.routes ?? []) register(app, ctx);
  app.notFound((c) => apiError(c, 404, 'not-found', `no route ${c.req.method} ${c.req.path}`));
  app.onError((error, c) => {
    process.stderr.write(`sopstate server: ${c.req.method} ${c.req.path} failed: ${error.message}\n`);
    return apiError(c, 500, 'internal', 'the server failed to answer this request; see its log');
  });
  return app;
};
