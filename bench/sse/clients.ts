// The SSE subscribers, in their own process so their parsing is not charged to the server:
// reads JSON commands on stdin, answers JSON lines on stdout. Times are performance.timeOrigin + now().
import { createInterface } from 'node:readline';
import { EventSource } from 'eventsource';
import { RUN_EVENT_TYPES } from '../../src/events/run-event.ts';

const FINAL = new Set(['run.completed', 'run.failed']);

type Command = { cmd: 'now' } | { cmd: 'subscribe'; url: string; count: number; readyType: string } | { cmd: 'exit' };

const now = () => performance.timeOrigin + performance.now();
const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/** One client: every event's seq and arrival time, until the run's final event. */
function subscribe(url: string, readyType: string, onReady: () => void): Promise<Array<[number, number]>> {
  return new Promise((resolve, reject) => {
    const receipts: Array<[number, number]> = [];
    const source = new EventSource(url);
    let ready = false;
    const onEvent = (message: MessageEvent<string>) => {
      const at = now();
      receipts.push([Number(message.lastEventId), at]);
      if (!ready && message.type === readyType) {
        ready = true;
        onReady();
      }
      if (FINAL.has(message.type)) {
        source.close();
        resolve(receipts);
      }
    };
    for (const type of RUN_EVENT_TYPES) source.addEventListener(type, onEvent);
    source.onerror = (event) => {
      if (source.readyState === EventSource.CLOSED)
        reject(new Error(`SSE client closed: ${event.message ?? 'no reason given'}`));
    };
  });
}

async function handle(command: Command): Promise<void> {
  if (command.cmd === 'now') {
    answer({ now: now() });
    return;
  }
  if (command.cmd === 'exit') process.exit(0);
  let readyCount = 0;
  const cpu = process.cpuUsage();
  const started = now();
  const clients = Array.from({ length: command.count }, () =>
    subscribe(command.url, command.readyType, () => {
      readyCount += 1;
      if (readyCount === command.count) answer({ ready: true });
    }),
  );
  try {
    const receipts = await Promise.all(clients);
    const used = process.cpuUsage(cpu);
    // How busy this process was: near 100% means the clients, not the server, set the latency.
    answer({ receipts, busy: (used.user + used.system) / 1000 / (now() - started) });
  } catch (error) {
    answer({ error: (error as Error).message });
  }
}

const commands = createInterface({ input: process.stdin });
let queue = Promise.resolve();
commands.on('line', (line) => {
  const command = JSON.parse(line) as Command;
  // `now` must answer at once, even while a subscription is being served.
  if (command.cmd === 'now') void handle(command);
  else queue = queue.then(() => handle(command));
});
