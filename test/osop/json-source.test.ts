// Issue 20: JSON documents skip the YAML parser (src/osop/json-source.ts). Data and every position must be what the
// YAML parse of the same text gives: every value's and key's line:col, inside strings, and for paths that go past
// the document.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { DocPath } from '../../src/osop/diagnostics.ts';
import { parseJsonSource } from '../../src/osop/json-source.ts';
import { parseSource, parseYamlSource } from '../../src/osop/yaml-source.ts';

const DIR = 'test/fixtures/corpus/osop-examples';

/** Every path into the data, and one past each of its leaves and containers. */
function pathsOf(value: unknown, path: DocPath = [], into: DocPath[] = []): DocPath[] {
  into.push(path, [...path, 'missing'], [...path, 7]);
  if (Array.isArray(value)) value.forEach((item, index) => pathsOf(item, [...path, index], into));
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], into);
  return into;
}

async function jsonTexts(): Promise<Array<[string, string]>> {
  const files = (await readdir(DIR, { recursive: true })).filter((file) => file.endsWith('.yaml')).slice(0, 12);
  const texts: Array<[string, string]> = [];
  for (const file of files) {
    const data: unknown = parse(await readFile(join(DIR, file), 'utf8'));
    texts.push([`${file} (one line)`, JSON.stringify(data)], [`${file} (indented)`, JSON.stringify(data, null, 2)]);
  }
  texts.push(['escapes and numbers', '{\n  "a\\"b": [1, -2.5e3, true, null, "x\\u00e9\\n"],\n  "c": {}, "d": []\n}']);
  // An object big enough to be looked up through an index of its keys.
  const wide = Object.fromEntries(Array.from({ length: 40 }, (_, index) => [`k${index}`, { v: [index] }]));
  texts.push(['a wide object', JSON.stringify({ wide, after: 1 }, null, 1)]);
  // Keys JSON.parse puts first (integer-like), an escaped key, a string ending in an escaped backslash.
  texts.push(['keys', '{"z": {"10": [{}, []], "2": "\\\\"},\n "a\\u0062": {"c": ["\\"", 0]}, "": false}']);
  return texts;
}

describe('JSON documents without the YAML parser', () => {
  it('give the data and positions the YAML parse gives', async () => {
    const texts = await jsonTexts();
    expect(texts.length).toBeGreaterThan(4);
    for (const [name, text] of texts) {
      expect(parseJsonSource(text, 'flow.osop.json'), `${name} takes the fast path`).toBeDefined();
      const fast = parseSource(text, 'flow.osop.json');
      const slow = parseYamlSource(text, 'flow.osop.json');
      expect(fast.data, name).toEqual(slow.data);
      expect(fast.diagnostics, name).toEqual(slow.diagnostics);
      for (const path of pathsOf(slow.data)) {
        const where = `${name} at ${JSON.stringify(path)}`;
        expect(fast.locate(path), where).toEqual(slow.locate(path));
        expect(fast.locate(path, { key: true }), where).toEqual(slow.locate(path, { key: true }));
        expect(fast.locateInString(path, 3), where).toEqual(slow.locateInString(path, 3));
      }
    }
  });

  it('leaves what is not plain JSON to the YAML parser and its diagnostics', () => {
    const readOtherwise = [
      '{"a": 1, "a": 2}',
      '{"a": 1,}',
      '{\t"a": 1}',
      '{"__proto__": {}}',
      // The same key written two ways, a repeat deep inside, `__proto__` escaped, a key of 1,001 characters.
      '{"a": 1, "\\u0061": 2}',
      '{"nodes": [{"id": "x"}, {"id": "y", "runtime": {"k": 1, "k": 1}}]}',
      '{"__pr\\u006fto__": {}}',
      `{"${'k'.repeat(1001)}": 1}`,
    ];
    for (const text of readOtherwise) {
      expect(parseJsonSource(text, 'flow.osop.json'), text).toBeUndefined();
      const fast = parseSource(text, 'flow.osop.json');
      const slow = parseYamlSource(text, 'flow.osop.json');
      expect(fast.data, text).toEqual(slow.data);
      expect(fast.diagnostics, text).toEqual(slow.diagnostics);
    }
  });

  it('reads a document nested deeper than the call stack without throwing', () => {
    const text = `${'['.repeat(200_000)}${']'.repeat(200_000)}`;
    expect(() => parseSource(text, 'deep.osop.json')).not.toThrow();
  });
});
