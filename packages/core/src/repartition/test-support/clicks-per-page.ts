import { count } from "../../aggregates/count.ts";
import type { MemoryCheckpointStore } from "../../checkpoint/memory-store.ts";
import { generatorSource } from "../../io/generator-source.ts";
import type { ClusterOptions } from "../../job/cluster-options.ts";
import type { StartFrom } from "../../job/job-restore.ts";
import { silentLogger } from "../../logging/logger.ts";
import { pipeline } from "../../pipeline.ts";
import type { Sink } from "../../runtime/sink.ts";
import { boundedOutOfOrderness } from "../../watermarks/watermark-strategy.ts";
import { tumbling } from "../../windows/assigners.ts";
import type { TimeWindow, WindowResult } from "../../windows/window.ts";

/** A click of the repartition tests: read partitioned by `ip`, counted per `page`. */
export interface Click {
  readonly ip: string;
  readonly page: string;
  readonly at: number;
}
export const byIp = (c: Click) => c.ip;
export const byPage = (c: Click) => c.page;
/** The ip up to the first digit of its last part (`10.0.0.4` for 4 and 40–49): not the source's key. */
export const byIpPrefix = (c: Click) => c.ip.slice(0, 8);
/** The clicks the per-ip-prefix branch counts: not the ones with `/p22` (filtered before), two in three of the rest. */
export const inIpPrefixBranch = (c: Click) => c.page !== "/p22" && c.at % 3 !== 0;
export const CLICKS = 3_000;
export const clickAt = (i: number): Click => ({
  ip: `10.0.0.${i % 50}`,
  page: `/p${(i * 7) % 23}`,
  at: i * 2,
});

/** Window counts by `page|windowStart`; a result written again overwrites (an idempotent sink). */
export function countsSink(results: Map<string, number>): Sink<WindowResult<string, TimeWindow, number>> {
  return {
    name: "results",
    write(values) {
      for (const r of values) results.set(`${r.key}|${r.window.start}`, r.value);
    },
  };
}

/** What the job must write, computed over the clicks directly: counts per `keyOf` (the page) and second. */
export function expectedCounts(
  keyOf: (c: Click) => string = byPage,
  kept: (c: Click) => boolean = () => true,
): Map<string, number> {
  const expected = new Map<string, number>();
  for (let i = 0; i < CLICKS; i++) {
    const c = clickAt(i);
    if (!kept(c)) continue;
    const field = `${keyOf(c)}|${Math.floor(c.at / 1_000) * 1_000}`;
    expected.set(field, (expected.get(field) ?? 0) + 1);
  }
  return expected;
}

/**
 * Clicks in 4 partitions by ip (or in one split), one-second windows counted per page (not co-partitioned: on
 * several workers the job repartitions), checkpointed every 40 ms.
 */
export function clicksPerPage(
  results: Map<string, number>,
  options: {
    cluster?: ClusterOptions;
    store: MemoryCheckpointStore;
    ratePerSecond?: number;
    /** Before the keyed operator, copy each click (`map`) and hand it on twice (`flatMap`): every count doubles. */
    twice?: boolean;
    /**
     * Also counts the clicks kept by {@link inIpPrefixBranch} per {@link byIpPrefix} into these
     * results: a second keyed operator off the same prefix, so a second repartition, whose writer
     * numbers fewer records per split than the first's.
     */
    perIpPrefix?: Map<string, number>;
    /** Before the keyed operator, a reduce keyed by the source's partition key that hands each click on. */
    reduceByIp?: boolean;
    /** All clicks in one split (`"0"`), which reports no end of its own: the input just ends. */
    oneSplit?: boolean;
    /** Where the job starts (a savepoint of the whole job: every stage from its own table). */
    startFrom?: StartFrom;
  },
) {
  const job = pipeline("clicks-per-page", {
    checkpoints: { every: 40, store: options.store },
    cluster: options.cluster,
    logger: silentLogger,
    stopOnSignals: false,
    startFrom: options.startFrom,
  });
  const clicks = job.source(
    generatorSource({
      count: CLICKS,
      ...(options.oneSplit ? {} : { partitions: 4, partitionKey: byIp }),
      batchSize: 100,
      ratePerSecond: options.ratePerSecond,
      generate: clickAt,
    }),
    { name: "clicks" },
  );
  const kept = clicks
    .withWatermarks(boundedOutOfOrderness(10_000), (c) => c.at, { name: "timestamps" })
    .filter((c) => c.page !== "/p22", { name: "no-p22" });
  const doubled = options.twice
    ? kept.map((c) => ({ ...c }), { name: "copy" }).flatMap((c) => [c, c], { name: "twice" })
    : kept;
  const counted = options.reduceByIp
    ? doubled.keyBy(byIp).reduce((_, c) => c, { name: "latest-per-ip" })
    : doubled;
  if (options.perIpPrefix) {
    counted
      .filter(inIpPrefixBranch, { name: "two-in-three" })
      .keyBy(byIpPrefix)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-ip-prefix" })
      .sink(countsSink(options.perIpPrefix), { name: "out-per-ip-prefix" });
  }
  counted
    .keyBy(byPage)
    .window(tumbling(1_000))
    .aggregate(count(), { name: "per-page" })
    .sink(countsSink(results), { name: "out" });
  return { job, graph: clicks.graph };
}
