import type { SplitId } from "../runtime/elements.ts";
import { describeError, PipelineDefinitionError } from "../runtime/errors.ts";
import type { SourceContext } from "../runtime/source.ts";
import type { Cancel, Clock } from "../time/clock.ts";

/**
 * Defaults of the built-in sources' options.
 * - `batchSize`: records per batch handed downstream (1000): large enough that the per-batch
 *   cost of the runtime vanishes, small enough that checkpoint barriers are not held up long.
 *
 * @example
 * fromIterable(new Array(10_000).fill(0), { batchSize: SOURCE_DEFAULTS.batchSize * 10 });
 */
export const SOURCE_DEFAULTS = { batchSize: 1000 } as const;

/** The one split of a single-split source. */
export const SINGLE_SPLIT: SplitId = "0";

/** `value`, or `fallback` when undefined; anything but a positive integer is refused. */
export function positiveInteger(
  owner: string,
  option: string,
  value: number | undefined,
  fallback: number,
): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) {
    throw new PipelineDefinitionError(`${owner}: ${option} must be a positive integer, got ${value}`);
  }
  return value;
}

/** Refuses anything but a finite number > 0 (undefined passes). */
export function positiveNumber(owner: string, option: string, value: number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!Number.isFinite(value) || value <= 0) {
    throw new PipelineDefinitionError(`${owner}: ${option} must be a finite number > 0, got ${value}`);
  }
  return value;
}

/** The restored position of `split` for sources whose position is a record count; 0 on a fresh start. */
export function restoredCount(context: SourceContext, split: SplitId, owner: string): number {
  const position = context.restoredPositions.get(split);
  if (position === undefined) return 0;
  if (typeof position !== "number" || !Number.isInteger(position) || position < 0) {
    throw new PipelineDefinitionError(
      `${owner}: the checkpoint's position for split "${split}" is not a record count: ${JSON.stringify(position)}`,
    );
  }
  return position;
}

/**
 * Event times of `values` by `timestampOf`; a throw fails the source with the record's index
 * (a source cannot skip a record it was asked to stamp without losing it).
 */
export function timestampsOf<T>(
  owner: string,
  values: readonly T[],
  timestampOf: (value: T) => number,
  firstIndex: number,
): number[] {
  const timestamps = new Array<number>(values.length);
  let i = 0;
  try {
    for (; i < values.length; i++) timestamps[i] = timestampOf(values[i]!);
  } catch (error) {
    throw new Error(`${owner}: timestampOf failed for record ${firstIndex + i}: ${describeError(error)}`, {
      cause: error,
    });
  }
  return timestamps;
}

/**
 * Lets timers and I/O run between batches of a source that never waits on its own (an array, an
 * unpaced generator): the runtime moves batches on promise continuations, so without this a
 * long read would starve the event loop and delay checkpoints and `stop()`.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Resolves `true` once `clock` reaches `at`, or `false` as soon as `signal` aborts (pending reads
 * give up when the job stops).
 */
export function waitUntil(clock: Clock, at: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(false);
      return;
    }
    if (at <= clock.now()) {
      resolve(true);
      return;
    }
    let settled = false;
    let cancel: Cancel | undefined;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      cancel?.();
      resolve(false);
    };
    signal.addEventListener("abort", onAbort, { once: true });
    cancel = clock.schedule(at, () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    });
  });
}
