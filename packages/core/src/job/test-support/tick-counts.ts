import { count } from "../../aggregates/count.ts";
import type { CheckpointStore } from "../../checkpoint/checkpoint-store.ts";
import { generatorSource } from "../../io/generator-source.ts";
import { silentLogger } from "../../logging/logger.ts";
import { pipeline } from "../../pipeline.ts";
import type { Sink } from "../../runtime/sink.ts";
import { boundedOutOfOrderness } from "../../watermarks/watermark-strategy.ts";
import { tumbling } from "../../windows/assigners.ts";
import type { TimeWindow, WindowResult } from "../../windows/window.ts";
import type { ClusterOptions } from "../cluster-options.ts";
import type { StartFrom } from "../job-restore.ts";

/** A tick of the cluster tests' input. */
export interface Tick {
  readonly symbol: string;
  readonly at: number;
}
const SYMBOLS = Array.from({ length: 40 }, (_, i) => `SYM${i}`);
export const tickAt = (i: number): Tick => ({
  symbol: SYMBOLS[(i * 7 + (i >> 4)) % SYMBOLS.length]!,
  at: i * 3,
});
export const bySymbol = (t: Tick) => t.symbol;

/** Fast lease timing, so a test sees assignments and handoffs within a second or two. */
export const FAST = {
  leaseDurationMs: 900,
  failoverTimeMs: 900,
  pollIntervalMs: 50,
  assignmentIntervalMs: 200,
} as const;

/**
 * The cluster tests' job: 30 000 ticks in 4 partitions by symbol, counted per symbol in one-second
 * windows, checkpointed every 40 ms; `job` is the pipeline, `counts` the window results to sink.
 */
export function tickCounts(
  name: string,
  options: {
    cluster?: ClusterOptions;
    store: CheckpointStore;
    ratePerSecond?: number;
    retain?: number;
    startFrom?: StartFrom;
  },
) {
  const job = pipeline(name, {
    startFrom: options.startFrom,
    checkpoints: { every: 40, store: options.store, retain: options.retain },
    cluster: options.cluster,
    logger: silentLogger,
    stopOnSignals: false,
  });
  const counts = job
    .source(
      generatorSource({
        count: 30_000,
        partitions: 4,
        partitionKey: bySymbol,
        batchSize: 200,
        ratePerSecond: options.ratePerSecond,
        generate: tickAt,
      }),
    )
    // Splits are read a batch each in turn, a few seconds of event time apart: no record is late.
    .withWatermarks(boundedOutOfOrderness(10_000), (t) => t.at)
    .keyBy(bySymbol)
    .window(tumbling(1_000))
    .aggregate(count());
  return { job, counts };
}

/**
 * Counts the writes of each window result (`writes`) and keeps its last value (`results`): an
 * at-least-once sink would write a replayed result again.
 */
export function countingSink(
  writes: Map<string, number>,
  results: Map<string, number>,
): Sink<WindowResult<string, TimeWindow, number>> {
  return {
    name: "counting",
    write(values) {
      for (const r of values) {
        const key = `${r.key}|${r.window.start}`;
        writes.set(key, (writes.get(key) ?? 0) + 1);
        results.set(key, r.value);
      }
    },
  };
}
