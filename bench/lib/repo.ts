// Where the repository and its fixtures are, wherever the bench is run from.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SEED_FILE = resolve(REPO_ROOT, 'examples/stripe-payment-seed.osop.yaml');

/** The real OSOP files the tests use too (Apache-2.0, see test/fixtures/corpus/NOTICE.md). */
export const CORPUS_DIR = resolve(REPO_ROOT, 'test/fixtures/corpus');
