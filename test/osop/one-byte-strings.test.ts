// A workflow whose text has a character beyond Latin-1 (the seed's Chinese names): its other strings must not take two
// bytes per character in memory, nor the keys and JSON texts a run makes from them (a run's prompt, events, snapshots).
import { serialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { loadWorkflowFile } from '../../src/osop/load.ts';

/** V8's serializer writes a two-byte string with tag 'c' (one-byte: '"'): the one way JS can see how a string is kept. */
const twoBytesPerChar = (text: string): boolean => serialize(text)[2] === 'c'.charCodeAt(0);

describe('strings of a workflow with text beyond Latin-1', () => {
  it('are kept one byte per character where they can be, and so is JSON made from them', async () => {
    const { workflow } = await loadWorkflowFile('examples/stripe-payment-seed.osop.yaml');
    expect(twoBytesPerChar('中文')).toBe(true);
    expect(workflow!.name).toMatch(/[^\u0000-\u00ff]/);
    expect(twoBytesPerChar(workflow!.name)).toBe(true);
    const intent = workflow!.nodes.find((node) => node.id === 'create_intent')!;
    expect(twoBytesPerChar(intent.name)).toBe(false);
    // No literal of these names here: an equal one-byte string in the test's own code would stand in for them.
    const names = intent.outputs.map((output) => output.name);
    expect(names).toHaveLength(2);
    for (const name of names) expect(twoBytesPerChar(name)).toBe(false);
    expect(twoBytesPerChar(JSON.stringify({ [names[0]]: 'pi_1' }))).toBe(false);
  });
});
