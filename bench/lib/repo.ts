// Where the repository and the shared reference material are, wherever the bench is run from.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SEED_FILE = [resolve(REPO_ROOT, 'examples/stripe-payment-seed.osop.yaml'), resolve(REPO_ROOT, '../shared/seed/ex-sop-stripe-payment.osop.yaml')].find(
  (file) => existsSync(file),
) ?? resolve(REPO_ROOT, 'examples/stripe-payment-seed.osop.yaml');

/** The real OSOP files, next to the repo (`../shared/corpus`); undefined when absent. */
export const CORPUS_DIR: string | undefined = [resolve(REPO_ROOT, '../shared/corpus')].find((dir) => existsSync(dir));
