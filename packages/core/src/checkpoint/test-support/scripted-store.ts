import type { CheckpointStore, CheckpointToStore } from "../checkpoint-store.ts";
import { MemoryCheckpointStore } from "../memory-store.ts";

/**
 * A memory store the test tells what its next commits do: fail, or wait until released. Every
 * attempt is counted; what it stores reads back as from {@link MemoryCheckpointStore}.
 */
export class ScriptedStore implements CheckpointStore {
  readonly description = "scripted";
  readonly stored = new MemoryCheckpointStore();
  /** Commits attempted, failed or not. */
  attempts = 0;
  #failures = 0;
  #held: { release(outcome?: Error): void } | undefined;
  #holdNext = false;

  /** The next `times` commits fail with "store down" (Infinity: until `heal`). */
  failNext(times: number): void {
    this.#failures = times;
  }

  heal(): void {
    this.#failures = 0;
  }

  /** The next commit waits until `release()` (stores) or `release(error)` (fails). */
  holdNext(): { release(outcome?: Error): void } {
    this.#holdNext = true;
    return {
      release: (outcome) => {
        if (!this.#held) throw new Error("no commit is held");
        this.#held.release(outcome);
      },
    };
  }

  async commit(checkpoint: CheckpointToStore, retain: number): Promise<void> {
    this.attempts++;
    if (this.#holdNext) {
      this.#holdNext = false;
      const outcome = await new Promise<Error | undefined>((resolve) => {
        this.#held = { release: resolve };
      });
      this.#held = undefined;
      if (outcome) throw outcome;
    } else if (this.#failures > 0) {
      this.#failures--;
      throw new Error("store down");
    }
    await this.stored.commit(checkpoint, retain);
  }

  checkpoints(job: string) {
    return this.stored.checkpoints(job);
  }

  savepoint(job: string, name: string) {
    return this.stored.savepoint(job, name);
  }

  readBlob(ref: Parameters<CheckpointStore["readBlob"]>[0]) {
    return this.stored.readBlob(ref);
  }
}
