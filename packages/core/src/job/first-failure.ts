/**
 * The first reason a run failed, whoever reports it (a stage's error, the checkpoint coordinator,
 * a sink's open): later reports are ignored, and `failed` rejects with the first.
 */
export class FirstFailure {
  #reason: Error | undefined;
  #reject!: (error: Error) => void;
  /** Rejects with the first failure; never resolves. */
  readonly failed: Promise<never> = new Promise<never>((_, reject) => {
    this.#reject = reject;
  });

  constructor() {
    this.failed.catch(() => {});
  }

  /** The first failure, if any. */
  get reason(): Error | undefined {
    return this.#reason;
  }

  /** Reports a failure; returns the first one (this one unless another came before). */
  fail(error: unknown): Error {
    if (this.#reason === undefined) {
      this.#reason = error instanceof Error ? error : new Error(String(error));
      this.#reject(this.#reason);
    }
    return this.#reason;
  }
}
