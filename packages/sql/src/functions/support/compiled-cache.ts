/**
 * Compiled patterns (regular expressions, date formats) keyed by their text, for calls whose
 * pattern is not a literal: compiled once per distinct pattern rather than once per row. Bounded:
 * when full it starts over, so a stream of ever-new patterns cannot grow it.
 */
export class CompiledCache<T> {
  readonly #entries = new Map<string, T>();

  constructor(
    private readonly compile: (key: string) => T,
    private readonly capacity = 256,
  ) {}

  /** The compiled form of `key`. */
  get(key: string): T {
    let value = this.#entries.get(key);
    if (value === undefined) {
      value = this.compile(key);
      if (this.#entries.size >= this.capacity) this.#entries.clear();
      this.#entries.set(key, value);
    }
    return value;
  }
}

/** The compiled form of a literal argument once, or of each row's value through a cache. */
export function compiledOnceOrCached<T>(
  literal: string | undefined,
  compile: (key: string) => T,
): (value: string) => T {
  if (literal !== undefined) {
    const compiled = compile(literal);
    return (value) => (value === literal ? compiled : compile(value));
  }
  const cache = new CompiledCache(compile);
  return (value) => cache.get(value);
}
