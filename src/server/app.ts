// The HTTP surface of one server: health, login, then /api behind the token, then extra route modules.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { withDefaults } from '../util/with-defaults.ts';
import { ApiError, errorResponse } from './api-error.ts';
import { limitBodySize } from './guards/body-size.ts';
import type { ServerContext } from './context.ts';
import { loopbackHostsOnly } from './guards/host-check.ts';
import { throttlePerClient, type ThrottleOptions } from './guards/login-throttle.ts';
import { requireJsonBody, sameOriginOnly } from './guards/origin-check.ts';
import { pageSecurityHeaders } from './guards/secure-headers.ts';
import { loginRoutes, requireToken } from './routes/auth.ts';
import { healthRoutes } from './routes/health.ts';
import { machineRoutes } from './routes/machine.ts';
import { runDeliverEventRoutes } from './routes/run-deliver-event.ts';
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

const APP_DEFAULTS = { maxBodyBytes: 256 * 1024, corsOrigins: [], routes: [] } satisfies AppOptions;

export const createApp = (ctx: ServerContext, options: AppOptions = {}) => {
  const settings = withDefaults(APP_DEFAULTS, options);
  const app = new Hono();
  app.use('*', pageSecurityHeaders());
  if (settings.loopbackOnly) app.use('*', loopbackHostsOnly());
  app.use('*', sameOriginOnly(settings.corsOrigins));
  if (settings.corsOrigins.length) app.use('/api/*', cors({ origin: settings.corsOrigins, credentials: true }));
  app.use('*', limitBodySize(settings.maxBodyBytes));
  app.use('*', requireJsonBody);
  // Chained, so that the type of the result names every route and its answers: AppType, for hc<AppType>.
  const routes = app
    .route('/', healthRoutes())
    .use('/login', throttlePerClient(settings.loginThrottle))
    .route('/', loginRoutes(settings.token))
    .use('/api/*', requireToken(settings.token))
    .route('/api/workflows', workflowRoutes(ctx))
    .route('/api/workflows', machineRoutes(ctx))
    .route('/api/runs', runRoutes(ctx))
    .route('/api/runs', runEventRoutes(ctx))
    .route('/api/runs', runDeliverEventRoutes(ctx));
  for (const register of settings.routes) register(app, ctx);
  app.notFound((c) => errorResponse(c, new ApiError(404, 'not-found', `no route ${c.req.method} ${c.req.path}`)));
  app.onError((error, c) => {
    if (error instanceof ApiError) return errorResponse(c, error);
    // hono/validator's refusal of a body that is not JSON.
    if (error instanceof HTTPException && error.status < 500)
      return errorResponse(c, new ApiError(error.status, 'bad-request', error.message));
    process.stderr.write(`sopstate server: ${c.req.method} ${c.req.path} failed: ${error.message}\n`);
    return errorResponse(c, new ApiError(500, 'internal', 'the server failed to answer this request; see its log'));
  });
  return routes;
};

/** Every route of the API with its request and answer types: what `hc<AppType>` and the page's types read. */
export type AppType = ReturnType<typeof createApp>;
