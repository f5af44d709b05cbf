// The JSON text of a value that does not change once published (a run event): serialized once, whoever writes it
// (the store's row, each SSE client's frame) or already had it (the runner, a stored row read back).

const texts = new WeakMap<object, string>();

/** JSON.stringify(value), computed once per object. Only for values nobody changes after they are first written. */
export const jsonText = (value: object): string => {
  let text = texts.get(value);
  if (text === undefined) texts.set(value, (text = JSON.stringify(value)));
  return text;
};

/** Records `text` as the JSON of `value` (it must be exactly JSON.stringify(value)). */
export const rememberJsonText = (value: object, text: string): void => {
  texts.set(value, text);
};

/** The JSON text recorded for `value` (rememberJsonText or jsonText), if any; nothing is serialized. */
export const knownJsonText = (value: object): string | undefined => texts.get(value);
