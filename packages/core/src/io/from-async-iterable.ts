import type { Source, SourceContext, SourceEvent, SourceReader } from "../runtime/source.ts";
import {
  positiveInteger,
  restoredCount,
  SINGLE_SPLIT,
  SOURCE_DEFAULTS,
  timestampsOf,
  yieldToEventLoop,
} from "./source-support.ts";

/**
 * Options of {@link fromAsyncIterable}.
 *
 * @example
 * const options: FromAsyncIterableOptions<Order> = { timestampOf: (o) => o.at, batchSize: 100, name: "orders-api" };
 */
export interface FromAsyncIterableOptions<T> {
  /** Event time of each record, assigned at the source (else `withWatermarks` assigns it). */
  readonly timestampOf?: (value: T) => number;
  /** Most records per batch (default {@link SOURCE_DEFAULTS}.batchSize = 1000). */
  readonly batchSize?: number;
  /** Names the source in checkpoints and messages (default `"async-iterable"`). */
  readonly name?: string;
}

const LATER = Symbol("later");

/**
 * A bounded source of the values of an async iterable (an async generator, a Node stream in
 * object mode, a paginated API), in order, on one split (`"0"`).
 *
 * Batching never holds a record back waiting for more: a batch takes what the iterable yields
 * before the event loop's next turn, up to `batchSize`, so a fast iterable moves in full batches
 * and a slow one record by record.
 *
 * Its position is the number of records emitted. A restored job iterates again and skips that
 * many, so exactly-once needs a *replayable* iterable, one whose `[Symbol.asyncIterator]()` starts
 * over with the same sequence: wrap a generator as `{ [Symbol.asyncIterator]: () => readAll() }`
 * rather than passing the generator object, which can only be iterated once.
 *
 * Aborting the job stops a pending wait for the next value; `close` calls the iterator's `return`.
 *
 * @example
 * async function fetchOrders(page: number): Promise<Order[]> {
 *   const response = await fetch(`https://example.com/orders?page=${page}`);
 *   return (await response.json()) as Order[];
 * }
 * async function* pages() {
 *   for (let page = 0; page < 3; page++) yield* await fetchOrders(page);
 * }
 * job.source(fromAsyncIterable({ [Symbol.asyncIterator]: pages }, { timestampOf: (o) => o.at }));
 *
 * @throws PipelineDefinitionError when `batchSize` is not a positive integer.
 */
export function fromAsyncIterable<T>(
  iterable: AsyncIterable<T>,
  options: FromAsyncIterableOptions<T> = {},
): Source<T> {
  const name = options.name ?? "async-iterable";
  const owner = `fromAsyncIterable(${name})`;
  const batchSize = positiveInteger(owner, "batchSize", options.batchSize, SOURCE_DEFAULTS.batchSize);
  const { timestampOf } = options;
  return {
    name,
    bounded: true,
    open(context: SourceContext): SourceReader<T> {
      const { signal } = context;
      let toSkip = restoredCount(context, SINGLE_SPLIT, owner);
      const iterator = iterable[Symbol.asyncIterator]();
      let position = 0;
      let done = false;
      // A read started for the previous batch that had not resolved by the event loop's next turn.
      let pending: Promise<IteratorResult<T>> | undefined;

      const pull = (): Promise<IteratorResult<T>> => {
        const step = pending ?? iterator.next();
        pending = undefined;
        return step;
      };
      const keep = (step: Promise<IteratorResult<T>>) => {
        // Handled here so that a rejection is not reported as unhandled before the next call awaits it.
        step.catch(() => {});
        pending = step;
      };

      return {
        async next(): Promise<SourceEvent<T> | undefined> {
          while (toSkip > 0 && !done && !signal.aborted) {
            const step = await pull();
            if (step.done) done = true;
            else {
              position++;
              toSkip--;
            }
          }
          if (done || signal.aborted) return undefined;
          const firstRead = pull();
          const first = await unlessAborted(firstRead, signal);
          if (first === LATER) {
            keep(firstRead);
            return undefined;
          }
          if (first.done) {
            done = true;
            return undefined;
          }
          const batch: T[] = [first.value];
          let turnEnded = false;
          const endOfTurn = yieldToEventLoop().then((): typeof LATER => {
            turnEnded = true;
            return LATER;
          });
          while (batch.length < batchSize && !turnEnded) {
            const read = pull();
            const step = await Promise.race([read, endOfTurn]);
            if (step === LATER) {
              keep(read);
              break;
            }
            if (step.done) {
              done = true;
              break;
            }
            batch.push(step.value);
          }
          const firstIndex = position;
          position += batch.length;
          return {
            kind: "data",
            split: SINGLE_SPLIT,
            values: batch,
            timestamps: timestampOf ? timestampsOf(owner, batch, timestampOf, firstIndex) : undefined,
            position,
          };
        },
        async close() {
          // A read still pending may never settle (an endless stream): do not wait for `return` then.
          if (done) return;
          const release = iterator.return?.();
          if (pending === undefined) await release;
          else release?.catch(() => {});
        },
      };
    },
  };
}

/** `read`'s outcome, or `LATER` as soon as `signal` aborts (without a listener left behind). */
function unlessAborted<R>(read: Promise<R>, signal: AbortSignal): Promise<R | typeof LATER> {
  return new Promise((resolve, reject) => {
    const onAbort = () => resolve(LATER);
    signal.addEventListener("abort", onAbort, { once: true });
    read.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
