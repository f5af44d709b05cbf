// The server bench's floor (bench/server/bare-server.ts) must do the work it stands for: a run started over HTTP
// makes the five real calls to the emulators, and its SSE stream tells a follower each step and the end, live or late.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnTs, type TsChild } from '../../bench/lib/child.ts';
import type { LoopDelay } from '../../bench/lib/loop-delay.mjs';
import { runAndFollow } from '../../bench/server/server-bench.ts';
import { startSandbox, type Sandbox } from '../../src/sandbox/start.ts';

let sandbox: Sandbox;
let bare: TsChild;
let url: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  bare = spawnTs('bench/server/bare-server.ts', [sandbox.stripeUrl, sandbox.anthropicUrl]);
  ({ url } = (await bare.lines.next()).value as { url: string });
}, 30_000);

afterAll(async () => {
  await bare?.stop();
  await sandbox?.close();
});

const framesOf = (text: string) =>
  text
    .trim()
    .split('\n\n')
    .map((frame) => ({
      event: /^event: (.*)$/m.exec(frame)?.[1],
      data: JSON.parse(/^data: (.*)$/m.exec(frame)?.[1] ?? 'null') as Record<string, unknown>,
      id: /^id: (.*)$/m.exec(frame)?.[1],
    }));

describe('the bare server (the server bench floor)', () => {
  it('runs the seed SOP to completion, followed live over SSE as the bench follows sopstate serve', async () => {
    const followed = await runAndFollow(url);
    expect(followed.ok).toBe(true);
  });

  it('replays a finished run to a late follower: started, the five calls with their real answers, completed', async () => {
    const started = await fetch(`${url}/api/runs`, { method: 'POST', body: '{}' });
    expect(started.status).toBe(201);
    const { runId } = (await started.json()) as { runId: string };
    // Follow live first, so the run is over when the late follower asks.
    const live = await (await fetch(`${url}/api/runs/${runId}/events`)).text();
    const late = await (await fetch(`${url}/api/runs/${runId}/events`)).text();
    expect(late).toBe(live);
    const frames = framesOf(late);
    expect(frames.map((frame) => frame.event)).toEqual([
      'run.started',
      ...Array(5).fill('node.response'),
      'run.completed',
    ]);
    expect(frames.map((frame) => frame.id)).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(frames.slice(1, 6).map((frame) => frame.data.node)).toEqual([
      'create_customer',
      'create_intent',
      'confirm_payment',
      'check_status',
      'send_receipt',
    ]);
    const output = (index: number) => frames[index].data.output as Record<string, unknown>;
    expect(output(1).customer_id).toMatch(/^cus_/);
    expect(output(2).intent_id).toMatch(/^pi_/);
    expect(output(4).status).toBe('succeeded');
    expect(frames[5].data.output).toEqual(expect.stringMatching(/\S/));
  });

  it('answers /healthz, and its event-loop delay since it was last asked', async () => {
    expect(await (await fetch(`${url}/healthz`)).text()).toBe('ok');
    await Promise.all(Array.from({ length: 20 }, () => runAndFollow(url)));
    const busy = (await (await fetch(`${url}/bench/loop-delay`)).json()) as LoopDelay;
    expect(busy.max).toBeGreaterThan(0);
    expect(busy.p99).toBeLessThanOrEqual(busy.max);
  });

  it('answers 404 for a run it does not have', async () => {
    expect((await fetch(`${url}/api/runs/nope/events`)).status).toBe(404);
  });
});
