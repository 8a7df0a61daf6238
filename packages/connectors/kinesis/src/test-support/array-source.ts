import type { Source } from "@eddy/core";

/** A bounded source of `values` in batches of `batchSize`, on one split; position = records sent. */
export function arraySource<T>(values: readonly T[], batchSize = 50): Source<T> {
  return {
    name: "array",
    bounded: true,
    open(context) {
      let next = (context.restoredPositions.get("0") as number | undefined) ?? 0;
      return {
        async next() {
          if (next >= values.length) return undefined;
          const batch = values.slice(next, next + batchSize);
          next += batch.length;
          return { kind: "data", split: "0", values: batch, position: next };
        },
      };
    },
  };
}
