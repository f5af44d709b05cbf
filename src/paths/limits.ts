// The path enumerator's default bound, apart from the enumerator so the CLI can show it without loading XState.
export const DEFAULT_MAX_PATHS = 1000;
