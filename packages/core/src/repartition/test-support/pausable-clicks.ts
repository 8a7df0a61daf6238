import { count } from "../../aggregates/count.ts";
import type { Job } from "../../job/job.ts";
import type { SourceEvent, SplittableSource } from "../../runtime/source.ts";
import { keyGroupOf } from "../../state/key-group.ts";
import { boundedOutOfOrderness } from "../../watermarks/watermark-strategy.ts";
import { tumbling } from "../../windows/assigners.ts";
import { byIp, type Click, countsSink } from "./clicks-per-page.ts";

/** Records per split of {@link pausableClicks}; the last one, far in event time, only moves the watermark. */
export const PER_SPLIT = 300;

/** Record `i` of split `split` (its `ip`): 10 ms apart, over five pages; the last is the `end` marker. */
export const pausedClick = (split: string, i: number): Click =>
  i === PER_SPLIT - 1 ? { ip: split, page: "end", at: 1e9 } : { ip: split, page: `/p${i % 5}`, at: i * 10 };

/**
 * Two splits, `a` and `b`, of clicks in event-time order (10 ms apart), read in turns, 20 at a
 * time; `b` stops before its record `pauseAt` until `resume` settles. Unbounded: it never ends
 * (an end would close every window), it waits. `read` is told each split's position as it is read.
 * With `partitioned`, the source declares the clicks partitioned by ip (`byIp`; each split's name),
 * so a job keyed by `byIp` is co-partitioned with it.
 */
export function pausableClicks(
  pauseAt: number,
  resume: Promise<void>,
  options: { partitioned?: boolean; read?: (split: string, position: number) => void } = {},
): SplittableSource<Click> {
  let resumed = false;
  void resume.then(() => {
    resumed = true;
  });
  return {
    name: "pausable",
    bounded: false,
    partitionKey: options.partitioned ? byIp : undefined,
    listSplits: ({ keyGroups }) =>
      ["a", "b"].map((id) => (options.partitioned ? { id, keyGroups: [keyGroupOf(id, keyGroups)] } : { id })),
    open(context) {
      const mine = ["a", "b"].filter((s) => context.assignedSplits?.has(s) ?? true);
      const next = new Map(mine.map((s) => [s, (context.restoredPositions.get(s) as number) ?? 0]));
      const unannounced = [...mine];
      let turn = 0;
      return {
        async next(): Promise<SourceEvent<Click> | undefined> {
          for (;;) {
            if (context.signal.aborted) return undefined;
            const joining = unannounced.shift();
            if (joining) return { kind: "split-status", split: joining, status: "active" };
            for (let tried = 0; tried < mine.length; tried++) {
              const split = mine[turn++ % mine.length]!;
              const from = next.get(split)!;
              const until = split === "b" && !resumed ? pauseAt : PER_SPLIT;
              if (from >= until) continue;
              const to = Math.min(until, from + 20);
              next.set(split, to);
              options.read?.(split, to);
              const values = Array.from({ length: to - from }, (_, k) => pausedClick(split, from + k));
              return { kind: "data", split, values, position: to };
            }
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        },
      };
    },
  };
}

/**
 * Counts `source`'s clicks per `keyOf` in one-second windows (the `end` markers only move the
 * watermark) into `results`, by `key|windowStart`.
 */
export function countPausedClicks(
  job: Job,
  source: SplittableSource<Click>,
  keyOf: (c: Click) => string,
  results: Map<string, number>,
): void {
  job
    .source(source, { name: "clicks" })
    .withWatermarks(boundedOutOfOrderness(0), (c) => c.at)
    .filter((c) => c.page !== "end")
    .keyBy(keyOf)
    .window(tumbling(1_000))
    .aggregate(count(), { name: "counts" })
    .sink(countsSink(results), { name: "out" });
}

/** What {@link countPausedClicks} must write once both splits are read, computed directly. */
export function expectedPausedCounts(keyOf: (c: Click) => string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const split of ["a", "b"]) {
    for (let i = 0; i < PER_SPLIT - 1; i++) {
      const c = pausedClick(split, i);
      const field = `${keyOf(c)}|${Math.floor(c.at / 1_000) * 1_000}`;
      counts.set(field, (counts.get(field) ?? 0) + 1);
    }
  }
  return counts;
}
