// A new run's id: a UUID in time order (RFC 9562 version 7: milliseconds since the epoch, then random bits).
import { v7 } from 'uuid';

/**
 * The id of a run about to be created. In time order because the store keys its events, records and runs by it:
 * random ids (version 4) put each new run's rows at a random leaf of those indexes, so every write touched another
 * page and the indexes' pages were half full; ordered ones are appended at the indexes' right edge. In a replay of a
 * seed run's writes into SQLite that was 0.1–0.4 ms a run less (bench/FINDINGS.md, "2026-12-08 later").
 *
 * @example
 * newRunId(); // '01a253d4-c916-7645-8eef-6352353ba705'
 */
export const newRunId = (): string => v7();
