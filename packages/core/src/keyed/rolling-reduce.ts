import type { OperatorFactory } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import { KeyedHeap } from "../state/keyed-heap.ts";

/**
 * The operator behind `keyBy(...).reduce(reducer)`, Flink's rolling `KeyedStream.reduce`: per key,
 * the first record is the reduced value as is, every later one is folded in with
 * `reducer(accumulated, value)`, and the new reduced value is emitted after every record.
 *
 * Time semantics: none — records are reduced in arrival order, not event-time order, and nothing
 * is ever late; each result carries the timestamp of the record that produced it. The reduced
 * value per key is checkpointed, so it must be plain data.
 *
 * Errors: a throwing key selector or reducer fails that record (the job, or the `errors` output);
 * the key's reduced value stays as it was.
 *
 * @example
 * // The running maximum price per symbol.
 * ticks.keyBy((t) => t.symbol).reduce((max, t) => (t.price > max.price ? t : max))
 */
export function rollingReduce<T, TKey extends Key>(
  keyOf: (value: T) => TKey,
  reducer: (accumulated: T, value: T) => T,
): OperatorFactory<T, T> {
  return (context, output) => {
    const heap = new KeyedHeap<TKey, T>(context.keyGroups);
    // A new key's state is its first record; one closure per operator rather than one per key.
    let first: T;
    const takeFirst = (): T => first;

    return {
      processBatch({ values, timestamps }) {
        let i = 0;
        while (i < values.length) {
          try {
            for (; i < values.length; i++) {
              const value = values[i]!;
              const key = keyOf(value);
              let entry = heap.get(key);
              if (entry === undefined) {
                first = value;
                entry = heap.getOrCreate(key, takeFirst);
              } else {
                entry.state = reducer(entry.state, value);
                heap.touch(entry);
              }
              output.emit(entry.state, timestamps[i]!);
            }
          } catch (error) {
            context.fail(error, values[i], timestamps[i]!);
            i++;
          }
        }
      },
      snapshotState: (full) => ({ keyGroups: heap.snapshot(full, (state) => state) }),
      restoreState: (snapshot) => heap.restore(snapshot.keyGroups ?? [], (data) => data as T),
    };
  };
}
