import type { OperatorFactory } from "../runtime/operator.ts";
import { type Key, keyGroupOf } from "../state/key-group.ts";

/**
 * The dead-letter reason of a record whose key is in a key group this worker does not own: it
 * was asserted partitioned by that key (`reinterpretAsKeyed`), but it came from a split that does
 * not carry the key's group.
 */
export const NOT_CO_PARTITIONED = "not-co-partitioned";

/**
 * The operator behind `DataStream.reinterpretAsKeyed`: in one process it passes every record on
 * (the process owns every key group); on one of several workers it passes on the records whose
 * key is in a key group this worker owns, and sends the others to the dead letters
 * (`not-co-partitioned`) instead of into state another worker owns. A key selector that throws
 * hands the record to the operator's error output like any operator.
 */
export function keyOwnershipCheck<T>(keyOf: (value: T) => Key): OperatorFactory<T, T> {
  return (context, output) => {
    const owned = context.ownedKeyGroups;
    if (owned === undefined) {
      return { processBatch: ({ values, timestamps }) => output.emitBatch(values, timestamps) };
    }
    const mine = new Uint8Array(context.keyGroups);
    for (const group of owned) mine[group] = 1;
    return {
      processBatch({ values, timestamps }) {
        for (let i = 0; i < values.length; i++) {
          const value = values[i]!;
          let key: Key;
          try {
            key = keyOf(value);
          } catch (error) {
            context.fail(error, value, timestamps[i]!);
            continue;
          }
          const group = keyGroupOf(key, context.keyGroups);
          if (mine[group] === 1) {
            output.emit(value, timestamps[i]!);
            continue;
          }
          const error = `key ${JSON.stringify(key)} is in key group ${group} of ${context.keyGroups}, which no split this worker reads carries: the stream was reinterpreted as keyed by a key it is not partitioned by`;
          if (context.deadLetters === undefined) context.fail(new Error(error), value, timestamps[i]!);
          else {
            context.deadLetters.send({
              origin: context.name,
              reason: NOT_CO_PARTITIONED,
              error,
              value,
              timestamp: timestamps[i]!,
            });
          }
        }
      },
    };
  };
}
