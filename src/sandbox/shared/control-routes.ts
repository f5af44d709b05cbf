import type { Hono } from 'hono';
import type { FaultRule } from './fault-queue.ts';
import { FaultSpecError, parseFaultRules, type FaultParser } from './fault-spec.ts';

/** What the `/__sandbox/*` routes drive: the same operations the in-process handle offers. */
export interface SandboxControl<F> {
  addFault(rule: FaultRule<F>): void;
  clearFaults(): void;
  pendingFaults(): unknown[];
  state(): unknown;
  reset(): void;
  parseFault: FaultParser<F>;
}

/**
 * `POST /__sandbox/faults` (one rule, an array, or `{faults}`), `GET|DELETE /__sandbox/faults`,
 * `GET /__sandbox/state`, `POST /__sandbox/reset`: so a sandbox in another process can be driven.
 */
export function mountControlRoutes<F>(app: Hono, control: SandboxControl<F>): void {
  app.post('/__sandbox/faults', async (c) => {
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json({ error: { type: 'invalid_fault', message: 'body: expected JSON describing a fault' } }, 400);
    }
    try {
      const rules = parseFaultRules(body, control.parseFault);
      rules.forEach((rule) => control.addFault(rule));
      return c.json({ armed: control.pendingFaults() }, 201);
    } catch (error) {
      if (!(error instanceof FaultSpecError)) throw error;
      return c.json({ error: { type: 'invalid_fault', message: error.message } }, 400);
    }
  });
  app.get('/__sandbox/faults', (c) => c.json({ armed: control.pendingFaults() }));
  app.delete('/__sandbox/faults', (c) => {
    control.clearFaults();
    return c.json({ armed: [] });
  });
  app.get('/__sandbox/state', (c) => c.json(control.state() as object));
  app.post('/__sandbox/reset', (c) => {
    control.reset();
    return c.json({ reset: true });
  });
}
