import { KeyedHeap } from "../../state/keyed-heap.ts";
import type { OperatorFactory } from "../operator.ts";

/**
 * A keyed running sum written against the operator contract directly: it exercises KeyedHeap
 * snapshots through the runtime without depending on the built-in keyed operators.
 */
export function sumByKey<T>(
  keyOf: (value: T) => string,
  amount: (value: T) => number,
): OperatorFactory<T, [string, number]> {
  return (context, output) => {
    const heap = new KeyedHeap<string, number>(context.keyGroups);
    return {
      processBatch({ values, timestamps }) {
        for (let i = 0; i < values.length; i++) {
          const entry = heap.getOrCreate(keyOf(values[i]!), () => 0);
          entry.state += amount(values[i]!);
          heap.touch(entry);
          output.emit([entry.key, entry.state], timestamps[i]!);
        }
      },
      snapshotState: (full) => ({ keyGroups: heap.snapshot(full, (s) => s) }),
      restoreState: (snapshot) => heap.restore(snapshot.keyGroups ?? [], (d) => d as number),
    };
  };
}
