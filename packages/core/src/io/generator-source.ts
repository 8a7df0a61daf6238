import type { SplitId } from "../runtime/elements.ts";
import { describeError, PipelineDefinitionError } from "../runtime/errors.ts";
import type {
  SourceContext,
  SourceEvent,
  SourceReader,
  SourceSplit,
  SplitListingContext,
  SplittableSource,
} from "../runtime/source.ts";
import { type Key, keyGroupOf } from "../state/key-group.ts";
import {
  positiveInteger,
  positiveNumber,
  restoredCount,
  SINGLE_SPLIT,
  SOURCE_DEFAULTS,
  waitUntil,
  yieldToEventLoop,
} from "./source-support.ts";

/**
 * Options of {@link generatorSource}.
 *
 * @example
 * const options: GeneratorSourceOptions<number> = { generate: (i) => i * i, count: 1_000_000, ratePerSecond: 10_000 };
 */
export interface GeneratorSourceOptions<T> {
  /** The record at `index` (0, 1, 2, …). Must be a pure function of `index` for replays to match. */
  readonly generate: (index: number) => T;
  /** How many records; `undefined` (the default) generates forever (an unbounded source). */
  readonly count?: number;
  /**
   * Records per second of processing time (the job's clock); `undefined` (the default) generates
   * as fast as the job consumes.
   */
  readonly ratePerSecond?: number;
  /** Most records per batch (default {@link SOURCE_DEFAULTS}.batchSize = 1000). */
  readonly batchSize?: number;
  /** Names the source in checkpoints and messages (default `"generator"`). */
  readonly name?: string;
  /**
   * Splits the records into this many partitions (`partition-0` …), which several workers can
   * share (scale-out). Without `partitionKey`, record `i` belongs to partition `i % partitions`.
   * Default: one split, `"0"`.
   */
  readonly partitions?: number;
  /**
   * Partitions the records by this key instead: a record belongs to the partition of its key
   * group (key group `g` to partition `g % partitions`, so `partitions` must divide the job's key
   * groups), and a keyed operator that keys by this same function is co-partitioned with the
   * source. Each partition then generates every record and keeps its own, so generating costs
   * `partitions` times as much. A partition that holds none of its keys over `batchSize ×
   * partitions` indices in a row is reported idle (it stops holding the watermark back) until its
   * next record, so a key set smaller than the partitions does not stall event time.
   */
  readonly partitionKey?: (record: T) => Key;
}

/**
 * A deterministic, replayable source: record `i` is `generate(i)`, on one split (`"0"`), or on
 * `partitions` splits (`partition-0` …, see {@link GeneratorSourceOptions.partitions}). Bounded
 * with `count`, unbounded without.
 *
 * Its position (per split) is the next index, so a restored job continues exactly after the last record its
 * checkpoint covered, and regenerates the same records (exactly-once, given a pure `generate`).
 *
 * Pacing: with `ratePerSecond`, record `i` (counted from where the reader started) is due at
 * `start + i * 1000 / ratePerSecond` on the job's clock, so tests drive it with a `VirtualClock`.
 * Each batch holds the records already due (at most `batchSize`); when none is due the reader
 * waits on the clock, and stops waiting when the job stops. A job that falls behind catches up in
 * full batches: the rate is an average, not a cap on bursts.
 *
 * Event time: none; assign it with `withWatermarks`, e.g. from a timestamp `generate` computes.
 *
 * @example
 * // 500 ticks per second, forever, each stamped 2 ms apart in event time.
 * const SYMBOLS = ["EURUSD", "GBPUSD", "USDJPY", "AUDUSD"];
 * job.source(generatorSource({ ratePerSecond: 500, generate: (i) => ({ symbol: SYMBOLS[i % 4], price: 1 + (i % 7) / 100, at: i * 2 }) }))
 *   .withWatermarks(monotonous(), (t) => t.at);
 *
 * @throws PipelineDefinitionError when `count` is not an integer >= 0, `ratePerSecond` is not a
 * finite number > 0, or `batchSize` or `partitions` is not a positive integer, or `partitionKey` comes without
 * `partitions`.
 */
export function generatorSource<T>(options: GeneratorSourceOptions<T>): SplittableSource<T> {
  const name = options.name ?? "generator";
  const owner = `generatorSource(${name})`;
  const batchSize = positiveInteger(owner, "batchSize", options.batchSize, SOURCE_DEFAULTS.batchSize);
  const rate = positiveNumber(owner, "ratePerSecond", options.ratePerSecond);
  const partitions = positiveInteger(owner, "partitions", options.partitions, 1);
  const { count, partitionKey } = options;
  if (count !== undefined && (!Number.isInteger(count) || count < 0)) {
    throw new PipelineDefinitionError(
      `${owner}: count must be an integer >= 0 (or undefined for unbounded), got ${count}`,
    );
  }
  if (partitionKey !== undefined && options.partitions === undefined) {
    throw new PipelineDefinitionError(`${owner}: partitionKey needs partitions (how many splits to make)`);
  }
  const split = (partition: number): SplitId =>
    options.partitions === undefined ? SINGLE_SPLIT : `partition-${partition}`;
  const plan: GeneratorPlan<T> = {
    owner,
    generate: options.generate,
    end: count ?? Number.POSITIVE_INFINITY,
    batchSize,
    rate,
    partitions,
    partitionKey,
    reportsFinished: options.partitions !== undefined,
  };
  return {
    name,
    bounded: count !== undefined,
    partitionKey,
    listSplits({ keyGroups }: SplitListingContext): SourceSplit[] {
      if (partitionKey !== undefined && keyGroups % partitions !== 0) {
        throw new PipelineDefinitionError(
          `${owner}: partitions (${partitions}) must divide the job's key groups (${keyGroups}), so that each key group falls in one partition`,
        );
      }
      return Array.from({ length: partitions }, (_, p) => ({
        id: split(p),
        keyGroups:
          partitionKey === undefined
            ? []
            : Array.from({ length: keyGroups / partitions }, (_, i) => i * partitions + p),
      }));
    },
    open(context: SourceContext): SourceReader<T> {
      const assigned = context.assignedSplits;
      const cursors: Cursor[] = [];
      for (let p = 0; p < partitions; p++) {
        const id = split(p);
        if (assigned && !assigned.has(id)) continue;
        const index = restoredCount(context, id, owner);
        cursors.push({ partition: p, split: id, index, finished: false, lastRecordBefore: index });
      }
      return generatorReader(plan, cursors, context);
    },
  };
}

/** What a generator's reader needs to know, checked. */
interface GeneratorPlan<T> {
  readonly owner: string;
  readonly generate: (index: number) => T;
  /** The first index not generated (Infinity when unbounded). */
  readonly end: number;
  readonly batchSize: number;
  readonly rate: number | undefined;
  readonly partitions: number;
  readonly partitionKey: ((record: T) => Key) | undefined;
  /** Whether to report a partition read to its end (only split sources do; one split just ends). */
  readonly reportsFinished: boolean;
}

/** One split being read: the next index it considers. */
interface Cursor {
  readonly partition: number;
  readonly split: SplitId;
  index: number;
  finished: boolean;
  /** Where the stretch of indices without a record of this split begins (for idleness). */
  lastRecordBefore: number;
}

/**
 * Reads `cursors`, always the one furthest behind, so splits advance together (and pacing, on
 * global indices, holds for each). A batch considers up to `batchSize × partitions` indices and
 * keeps the split's own, about `batchSize` records.
 */
function generatorReader<T>(
  plan: GeneratorPlan<T>,
  cursors: Cursor[],
  context: SourceContext,
): SourceReader<T> {
  const { clock, signal } = context;
  const { owner, end, rate, partitions, partitionKey } = plan;
  const startIndex = Math.min(...cursors.map((c) => c.index));
  const startTime = clock.now();
  let batches = 0;
  // Each split joins the watermark minimum before its first batch, as a split assigned in Flink
  // does. Otherwise the first split's batch would set the watermark alone and the records of the
  // same indices in the others, read next, would be late.
  const unannounced = plan.reportsFinished ? cursors.map((c) => c.split) : [];
  // A partition by key that held none of its keys over as many indices as the largest batch
  // considers (a key set smaller than the partitions leaves some empty) is reported idle, so it
  // does not hold the watermark back for ever; its next record makes it active again. One empty
  // batch is not enough: a batch of a paced reader can be a few indices long, and while one
  // partition is idle another's catch-up batch moves the watermark up to a whole batch ahead, so
  // the first partition's next records would be late.
  const idleAfter = plan.batchSize * partitions;
  const idle = new Set<SplitId>();
  let idleNow: SplitId | undefined;
  /** The first index not yet due at `now`. */
  const dueBefore = (now: number) => startIndex + Math.floor(((now - startTime) * rate!) / 1000) + 1;

  return {
    async next(): Promise<SourceEvent<T> | undefined> {
      if (signal.aborted) return undefined;
      if (idleNow !== undefined) {
        const split = idleNow;
        idleNow = undefined;
        return { kind: "split-status", split, status: "idle" };
      }
      const joining = unannounced.shift();
      if (joining !== undefined) return { kind: "split-status", split: joining, status: "active" };
      let cursor: Cursor | undefined;
      for (const c of cursors)
        if (!c.finished && (cursor === undefined || c.index < cursor.index)) cursor = c;
      if (cursor === undefined) return undefined;
      const from = cursor.index;
      if (from >= end) {
        cursor.finished = true;
        if (!plan.reportsFinished) return undefined;
        return { kind: "split-status", split: cursor.split, status: "finished", position: cursor.index };
      }
      let stop = Math.min(end, from + plan.batchSize * partitions);
      if (rate !== undefined) {
        let due = dueBefore(clock.now());
        if (due <= from) {
          const dueAt = startTime + ((from - startIndex) * 1000) / rate;
          if (!(await waitUntil(clock, dueAt, signal))) return undefined;
          // Rounding must not leave the record we waited for undue.
          due = Math.max(dueBefore(clock.now()), from + 1);
        }
        stop = Math.min(stop, due);
      } else if (batches > 0) {
        await yieldToEventLoop();
        if (signal.aborted) return undefined;
      }
      batches++;
      const values: T[] = [];
      const own = cursor.partition;
      let i = from;
      try {
        for (; i < stop; i++) {
          if (partitionKey === undefined && i % partitions !== own) continue;
          const record = plan.generate(i);
          if (partitionKey !== undefined && keyGroupOf(partitionKey(record), partitions) !== own) continue;
          values.push(record);
        }
      } catch (error) {
        throw new Error(`${owner}: generate(${i}) failed: ${describeError(error)}`, { cause: error });
      }
      cursor.index = stop;
      if (partitionKey !== undefined && plan.reportsFinished) {
        if (values.length > 0) {
          idle.delete(cursor.split);
          cursor.lastRecordBefore = stop;
        } else if (!idle.has(cursor.split) && stop - cursor.lastRecordBefore >= idleAfter) {
          idle.add(cursor.split);
          idleNow = cursor.split;
        }
      }
      return { kind: "data", split: cursor.split, values, position: stop };
    },
  };
}
