// A run streaming its events (keepEvents: 0, as the server runs them) hands each event with its JSON text, which the
// store writes as the row and SSE sends as the frame. That text must be exactly JSON.stringify(event), whichever
// way it was built: node.completed's is built around its outputs' text, serialized once for the size check and the
// redactors.
import { describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/events/run-event.ts';
import { knownJsonText } from '../../src/util/json-text.ts';
import { run, scripted, workflowFrom } from './helpers.ts';

const workflow = workflowFrom(`
osop_version: "1.0"
id: texts
name: Texts
nodes:
  - {id: "pay \\"now\\"", type: api}
  - {id: write, type: agent}
  - {id: plan, type: api}
edges:
  - {from: "pay \\"now\\"", to: write}
  - {from: write, to: plan}
`);

const TOKEN = 'tok_live_0123456789';

describe("a streamed run's event texts", () => {
  it('are JSON.stringify of each event, with secrets masked, AI metadata and synthesized fields', async () => {
    const events: RunEvent[] = [];
    const result = await run(workflow, {
      keepEvents: 0,
      secrets: { TOKEN },
      onEvent: (event) => events.push(event),
      executors: scripted({
        'pay "now"': () => ({
          outputs: { id: 'pi_1', client_secret: 'pi_1_secret_abc', note: `sent ${TOKEN}`, 'odd "key"\n': '\u2028é' },
        }),
        write: () => ({
          outputs: { text: 'Thanks ✓' },
          ai: { model: 'claude', provider: 'anthropic', prompt_tokens: 3, completion_tokens: 5 },
        }),
        plan: () => ({ outputs: { amount: 0, items: [] }, synthesized: ['amount', 'items'] }),
      }),
    });
    expect(result.status).toBe('COMPLETED');
    const completed = events.filter((event) => event.type === 'node.completed');
    expect(completed).toHaveLength(3);
    for (const event of events) {
      const text = knownJsonText(event);
      if (event.type === 'node.completed') expect(text).toBeDefined();
      if (text !== undefined) expect(text).toBe(JSON.stringify(event));
    }
    const [pay, write, plan] = completed.map((event) => knownJsonText(event)!);
    expect(pay).not.toContain(TOKEN);
    expect(pay).not.toContain('pi_1_secret_abc');
    expect(JSON.parse(pay)).toMatchObject({ outputs: { note: 'sent [secret TOKEN]' } });
    expect(JSON.parse(write)).toMatchObject({ ai: { model: 'claude', completion_tokens: 5 } });
    expect(JSON.parse(plan)).toMatchObject({ synthesized: ['amount', 'items'] });
  });
});
