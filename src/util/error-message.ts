/** The message of anything thrown: an Error's message, anything else as text. */
export const errorMessage = (failure: unknown): string =>
  failure instanceof Error ? failure.message : String(failure);
