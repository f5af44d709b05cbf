// One PostgreSQL transaction on a pooled connection: committed when `work` returns, rolled back when it throws.
import type pg from 'pg';

export const inTransaction = async <T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect();
  // The server may end the session between two statements (its idle-in-transaction timeout, after this process was
  // frozen or stalled): pg then emits the error on the client, which crashes the process unless someone listens.
  // The transaction's next statement fails with it, so here it is only kept for the release.
  let lost: Error | undefined;
  const onLost = (error: Error) => (lost = error);
  client.on('error', onLost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.removeListener('error', onLost);
    // A lost connection goes out of the pool instead of back into it.
    client.release(lost);
  }
};
