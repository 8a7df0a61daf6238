/**
 * Runs requests on object keys one at a time per key, in arrival order: a request waits for the
 * ones before it on any of its keys. Locks on several keys are taken in one synchronous step, so
 * two batches never wait for each other.
 */
export class KeyLocks {
  /** Per key, the request queued last: the next one waits for it. */
  readonly #tails = new Map<string, Promise<void>>();
  /** Per key, the writes running or waiting. */
  readonly #writes = new Map<string, number>();

  /** Whether a write of `key` is running or waiting. */
  writing(key: string): boolean {
    return this.#writes.has(key);
  }

  async run<T>(keys: readonly string[], kind: "read" | "write", work: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)];
    const before = unique.map((key) => this.#tails.get(key));
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const key of unique) {
      this.#tails.set(key, mine);
      if (kind === "write") this.#writes.set(key, (this.#writes.get(key) ?? 0) + 1);
    }
    try {
      await Promise.all(before);
      return await work();
    } finally {
      release();
      for (const key of unique) {
        if (this.#tails.get(key) === mine) this.#tails.delete(key);
        if (kind === "write") {
          const left = this.#writes.get(key)! - 1;
          if (left === 0) this.#writes.delete(key);
          else this.#writes.set(key, left);
        }
      }
    }
  }
}
