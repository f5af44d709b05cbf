// Child process for the loop memory test (run with --expose-gc): runs a `visits`-long loop and prints, as JSON,
// the heap in use (after a full GC) once the loop has made `warmUp` visits and again at its last visit.
import { startRun } from '../../../src/machine/runner.ts';
import { scripted, workflowFrom } from '../helpers.ts';

const [visits, warmUp] = process.argv.slice(2).map(Number);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const heapNow = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const workflow = workflowFrom(`
osop_version: "1.0"
id: batch
name: Batch
nodes:
  - { id: fetch, type: system, name: Fetch a page, outputs: [more_items, page] }
  - { id: done, type: system, name: Done }
edges:
  - { from: fetch, to: fetch, mode: loop, when: "fetch.more_items == true", max_iterations: ${visits + 1} }
  - { from: fetch, to: done }
`);

const heap: Record<string, number> = {};
let calls = 0;
const executors = scripted({
  fetch: () => {
    calls += 1;
    if (calls === warmUp) heap.warmUp = heapNow();
    if (calls === visits) heap.end = heapNow();
    return { outputs: { more_items: calls < visits, page: `page ${calls} of a long listing` } };
  },
});
let streamed = 0;
const result = await startRun({ workflow, executors, onEvent: () => (streamed += 1) }).done;
process.stdout.write(JSON.stringify({ status: result.status, streamed, ...heap }) + '\n');
