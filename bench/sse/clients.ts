// The SSE subscribers, in their own process so their parsing is not charged to the server:
// reads JSON commands on stdin, answers JSON lines on stdout. Times are performance.timeOrigin + now().
import { createInterface } from 'node:readline';
import { get } from 'node:http';
import { createParser } from 'eventsource-parser';

const FINAL = new Set(['run.completed', 'run.failed']);

type Command = { cmd: 'now' } | { cmd: 'subscribe'; url: string; count: number; readyType: string } | { cmd: 'exit' };

const now = () => performance.timeOrigin + performance.now();
const answer = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

/**
 * One client: every event's seq and the moment its bytes arrived, until the run's final event. It reads the socket with
 * node:http and eventsource-parser rather than the `eventsource` package, whose fetch streams and event dispatch cost
 * ~50 µs an event: with 100 clients in one process that queueing, not the server, set the tail.
 */
function subscribe(url: string, readyType: string, onReady: () => void): Promise<Array<[number, number]>> {
  return new Promise((resolve, reject) => {
    const receipts: Array<[number, number]> = [];
    let ready = false;
    let arrived = 0;
    const parser = createParser({
      onEvent: ({ event, id }) => {
        receipts.push([Number(id), arrived]);
        if (!ready && event === readyType) {
          ready = true;
          onReady();
        }
        if (event && FINAL.has(event)) {
          request.destroy();
          resolve(receipts);
        }
      },
    });
    const request = get(url, { headers: { accept: 'text/event-stream' } }, (response) => {
      if (response.statusCode !== 200) reject(new Error(`SSE client got HTTP ${response.statusCode}`));
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        arrived = now();
        parser.feed(chunk);
      });
      response.on('end', () => reject(new Error('SSE stream ended before the final event')));
    });
    // After the final event resolved the promise, the rejections of closing it change nothing.
    request.on('error', reject);
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
