// The one check that every `${secrets.NAME}` a workflow uses has a value, for the CLI (via startRun) and the server.
import type { Workflow } from './workflow.ts';

export interface MissingSecret {
  secret: string;
  /** `secrets.NAME`, where a diagnostic points. */
  path: string;
  message: string;
}

export const missingSecrets = (
  workflow: Pick<Workflow, 'secrets'>,
  isSet: (name: string) => boolean,
): MissingSecret[] =>
  workflow.secrets
    .filter((name) => !isSet(name))
    .map((name) => ({
      secret: name,
      path: `secrets.${name}`,
      message: `the workflow uses \${secrets.${name}}, which is not set`,
    }));
