import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecrets, SecretFlagError } from '../../src/services/secrets.ts';

describe('secrets', () => {
  it('takes a flag over the environment, and the environment over the .env file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'secrets-'));
    const envFile = join(dir, '.env');
    await writeFile(envFile, 'STRIPE_SECRET_KEY=sk_from_file\nSLACK_TOKEN="xoxb-file"\nUNUSED=1\n');
    const secrets = loadSecrets({
      names: ['STRIPE_SECRET_KEY', 'SLACK_TOKEN', 'GITHUB_TOKEN'],
      env: { STRIPE_SECRET_KEY: 'sk_from_env', HOME: '/root' },
      envFile,
      flags: ['GITHUB_TOKEN=ghp_flag=with=equals'],
    });
    expect(secrets).toEqual({
      STRIPE_SECRET_KEY: 'sk_from_env',
      SLACK_TOKEN: 'xoxb-file',
      GITHUB_TOKEN: 'ghp_flag=with=equals',
    });
  });

  it('never reads environment variables the workflow does not use', () => {
    expect(loadSecrets({ names: ['A_KEY'], env: { HOME: '/root', A_KEY: 'value' } })).toEqual({ A_KEY: 'value' });
  });

  it('rejects a flag that is not NAME=value without echoing the value', () => {
    expect(() => loadSecrets({ names: [], flags: ['sk_live_only_value'] })).toThrow(SecretFlagError);
    expect(() => loadSecrets({ names: [], flags: ['sk_live_only_value'] })).not.toThrow(/sk_live/);
    expect(() => loadSecrets({ names: [], flags: ['=sk_live_value'] })).toThrow(/NAME=value/);
  });
});
