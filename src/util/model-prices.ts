// Anthropic's list prices in US dollars per million input / output tokens, by model (the provider's pricing page,
// late 2025; Sonnet 4.6 from its model page, platform.claude.com/docs/models/sonnet-4-6). A model not listed has no price: sopstate does not guess one (docs/semantics.md "Cost budgets").
const PRICES: ReadonlyArray<[RegExp, number, number]> = [
  [/^claude-opus-4-5(-\d{8})?$/, 5, 25],
  [/^claude-opus-4(-0|-1)?(-\d{8})?$/, 15, 75],
  [/^claude-3-opus/, 15, 75],
  [/^claude-sonnet-4(-0|-5|-6)?(-\d{8})?$/, 3, 15],
  [/^claude-3-[57]-sonnet/, 3, 15],
  [/^claude-haiku-4-5(-\d{8})?$/, 1, 5],
  [/^claude-3-5-haiku/, 0.8, 4],
  [/^claude-3-haiku/, 0.25, 1.25],
];

export interface ModelPrice {
  inputPerMillion: number;
  outputPerMillion: number;
}

export function modelPrice(model: string): ModelPrice | undefined {
  const row = PRICES.find(([pattern]) => pattern.test(model));
  return row ? { inputPerMillion: row[1], outputPerMillion: row[2] } : undefined;
}
