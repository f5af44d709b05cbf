import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { yamlText } from '../../src/util/yaml-text.ts';

const byYaml = (value: unknown): string => stringify(value, { lineWidth: 0 });

// Strings around every rule of `yaml`'s plain/quoted/literal choice.
const PIECES = [
  '',
  ' ',
  'a',
  'A',
  '0',
  '1',
  '-',
  '.',
  ':',
  '#',
  ' #',
  ': ',
  "'",
  '"',
  '\\',
  '\n',
  '\t',
  'é',
  '😀',
  '\u0001',
  '\u0085',
  'true',
  'True',
  'null',
  '~',
  'NULL',
  'yes',
  'no',
  'on',
  '1e5',
  '0x1F',
  '0o17',
  '.inf',
  '-.inf',
  '.nan',
  '12',
  '1.5',
  '+1',
  '-3',
  '---',
  '...',
  '[',
  ']',
  '{',
  '}',
  ',',
  '&',
  '*',
  '!',
  '|',
  '>',
  '%',
  '@',
  '`',
  '?',
  '/',
  '_',
  'x y',
  '2026-12-03T05:51:41.185Z',
  'http://a.b/c?d=e',
  '<<',
  'a:b',
  'a:',
  'a: b',
  '[secret x.y]',
  'line one\nline two',
  'a\n\nb',
  'x\n  y',
  ' lead\nx',
  'tail\n',
  'tail \n',
  'a\n---\nb',
  'é\nü',
  'tab\tin\nx',
];

/** A small deterministic generator (same cases every run). */
const generator = (seed: number) => {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
  const text = () => Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(PIECES)).join('');
  const value = (depth: number): unknown => {
    const roll = next();
    if (depth > 3 || roll < 0.35)
      return pick<unknown>([text(), text(), text(), 0, 1, -1, 1.5, 1e21, 1e-7, true, false, null, undefined, -0, NaN]);
    if (roll < 0.65) {
      const map: Record<string, unknown> = {};
      for (let index = Math.floor(next() * 4); index > 0; index -= 1) map[text()] = value(depth + 1);
      return map;
    }
    return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
  };
  return { text, value };
};

describe('yamlText', () => {
  it('writes what yaml writes for generated records of every scalar and nesting', () => {
    const { text, value } = generator(42);
    for (let index = 0; index < 5_000; index += 1) {
      const record = { root: value(0), [text()]: value(0), list: [value(1), { node_id: text(), outputs: value(1) }] };
      expect(yamlText(record)).toBe(byYaml(record));
    }
  });

  it('writes a run record as yaml does: nested maps, lists of maps, quoted and literal strings', () => {
    const record = {
      osoplog_version: '1.0',
      run_id: '008e5e6f-5c5f-4244-b9c3-1749a9475d55',
      started_at: '2026-12-03T05:51:41.185Z',
      duration_ms: 1155,
      inputs: {},
      node_records: [
        {
          node_id: 'create_intent',
          outputs: { data: { amount: 2000, tip: {}, types: ['card'], secret: '[secret a.b]', next: null, ok: true } },
        },
        { node_id: 'send_receipt', outputs: { text: 'Subject: hi\n\nHello,\n- Amount: $20.00\n\nBye' } },
      ],
      empty_list: [],
    };
    expect(yamlText(record)).toBe(byYaml(record));
    expect(yamlText(record)).toContain('text: |-\n        Subject: hi\n\n        Hello,');
  });

  it('leaves to yaml what it would anchor, and what is not plain data', () => {
    const shared = { a: 1 };
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    for (const record of [
      { x: shared, y: shared },
      cyclic,
      { when: new Date(0), map: new Map([[1, 2]]) },
      { big: 10n },
      { nested: [[1, 2], []] },
      { ['k'.repeat(1100)]: 1 },
      { '---key': { '---inner': '---value' } },
      [1, 2],
      {},
    ])
      expect(yamlText(record)).toBe(byYaml(record));
  });

  it('writes the corpus .osoplogs back as they are', () => {
    const file = join(__dirname, '../fixtures/corpus/osop-examples/ai-agent/research-and-summarize.osoplog.yaml');
    const text = readFileSync(file, 'utf8');
    expect(yamlText(parse(text))).toBe(byYaml(parse(text)));
  });
});
