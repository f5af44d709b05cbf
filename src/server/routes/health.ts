import { Hono } from 'hono';

export const healthRoutes = (): Hono => new Hono().get('/healthz', (c) => c.json({ ok: true }));
