// A process that stops inside a store transaction, as a cluster node frozen mid-sweep does: it opens the Postgres store
// with a short idle-transaction bound, takes the recovery sweep's lock in a transaction, says "locked", and only then
// goes on (the test freezes it meanwhile). It prints how the transaction ended and exits 0: a session the server
// ended must reach it as a failed transaction, not crash it.
//   node --import tsx test/store/support/frozen-transaction.ts <postgres url> <idle transaction timeout ms>
import { openPostgresStore } from '../../../src/store/postgres-store.ts';
import { inTransaction } from '../../../src/store/postgres-transaction.ts';

const [url, timeoutMs] = process.argv.slice(2);
const store = await openPostgresStore(url, {
  idleTransactionTimeoutMs: Number(timeoutMs),
  onError: (error) => process.stdout.write(`pool error: ${error.message}\n`),
});
const ended = await inTransaction(store.pool, async (client) => {
  await client.query("SELECT pg_advisory_xact_lock(hashtext('sopstate-recovery'))");
  process.stdout.write('locked\n');
  // The test stops this process here; once it is let go, the next statement meets the ended session.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  await client.query('SELECT 1');
  return 'committed';
}).catch((error: unknown) => `failed: ${(error as Error).message}`);
process.stdout.write(`transaction ${ended}\n`);
// The pool still works: the lost connection left it.
const { rows } = await store.pool.query<{ one: number }>('SELECT 1 AS one');
process.stdout.write(`pool answers ${rows[0].one}\n`);
await store.close();
