const STOP_WORDS = new Set([
  'the',
  'and',
  'for',
  'with',
  'this',
  'that',
  'from',
  'into',
  'your',
  'you',
  'are',
  'was',
  'can',
  'will',
  'please',
  'use',
  'using',
  'tool',
  'tools',
  'given',
  'what',
  'when',
  'which',
  'about',
  'have',
  'has',
  'its',
  'then',
  'than',
]);

/** Lower-case content words of a text, identifiers split (`run_workflow`, `getStatus`), crude stems. */
export function contentWords(text: string): string[] {
  return text
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !STOP_WORDS.has(word))
    .map(stem);
}

function stem(word: string): string {
  return word.replace(/(ing|ed|es|s)$/, '') || word;
}
