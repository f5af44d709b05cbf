// One place per module for its defaults: `withDefaults(DEFAULTS, options)`.

/** The options with every key of `defaults` filled: given values win, except `undefined`. */
export type WithDefaults<D, O> = Omit<O, keyof D> & {
  [K in keyof D]: K extends keyof O ? Exclude<O[K], undefined> | D[K] : D[K];
};

/**
 * `{...defaults, ...options}`, except that an option passed as `undefined` keeps its default: callers forward their
 * own optional settings (`{port: options.port}`), and a plain spread would replace the default with `undefined`.
 */
export const withDefaults = <D extends object, O extends object>(defaults: D, options: O): WithDefaults<D, O> => {
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  // Object.entries/fromEntries forget the key types; the filter only dropped keys whose value was undefined.
  return { ...defaults, ...given } as WithDefaults<D, O>;
};
