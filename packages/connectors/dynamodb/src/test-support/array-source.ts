import type { Source, SourceEvent } from "@eddy/core";

/** A bounded source for tests: `values` in batches on one split; position = records emitted. */
export function arraySource<T>(
  values: readonly T[],
  options: { batchSize?: number; paceMs?: number } = {},
): Source<T> {
  const batchSize = options.batchSize ?? 100;
  return {
    name: "array",
    bounded: true,
    open(context) {
      let next = (context.restoredPositions.get("0") as number | undefined) ?? 0;
      return {
        async next(): Promise<SourceEvent<T> | undefined> {
          if (options.paceMs) await new Promise((r) => setTimeout(r, options.paceMs));
          if (next >= values.length) return undefined;
          const batch = values.slice(next, next + batchSize);
          next += batch.length;
          return { kind: "data", split: "0", values: batch, position: next };
        },
      };
    },
  };
}
