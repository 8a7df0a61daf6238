import {
  type CheckpointOptions,
  type Job,
  type Logger,
  pipeline,
  type Serde,
  type Sink,
  type Source,
  type SourceEvent,
  type StartFrom,
} from "@eddy/core";

/**
 * A job for failure tests: a paced source of integers 0, 1, 2, … (position = next integer), a keyed
 * count of `n % keys` (`keyBy(...).reduce(...)`, state checkpointed per key group), and a sink that
 * keeps each key's latest count. If every checkpoint holds state and positions that agree, a restored run's
 * final counts equal the exact counts of 0 … limit−1.
 */
export interface CountingJob {
  readonly job: Job;
  readonly sink: LatestCountSink;
}

export interface CountingJobOptions {
  readonly checkpoints: CheckpointOptions;
  readonly logger: Logger;
  readonly serde?: Serde<unknown>;
  /** Integers per batch (default 10). */
  readonly batchSize?: number;
  /** Pause between batches in ms (default 2). */
  readonly intervalMs?: number;
  /** End of input (exclusive): without it the source never ends. */
  readonly limit?: number;
  readonly keys?: number;
  readonly startFrom?: StartFrom;
}

export function countingJob(name: string, options: CountingJobOptions): CountingJob {
  const keys = options.keys ?? 10;
  const sink = latestCountSink();
  const job = pipeline(name, {
    checkpoints: options.checkpoints,
    logger: options.logger,
    serde: options.serde,
    startFrom: options.startFrom,
    stopOnSignals: false,
  });
  job
    .source(
      integers({
        batchSize: options.batchSize ?? 10,
        intervalMs: options.intervalMs ?? 2,
        limit: options.limit,
      }),
      { name: "integers" },
    )
    .map((n): [number, number] => [n % keys, 1])
    .keyBy(([key]) => key)
    .reduce(([key, a], [, b]) => [key, a + b], { name: "count" })
    .sink(sink);
  return { job, sink };
}

/** Exact counts per key of 0 … limit−1. */
export function expectedCounts(limit: number, keys = 10): Map<number, number> {
  const counts = new Map<number, number>();
  for (let n = 0; n < limit; n++) counts.set(n % keys, (counts.get(n % keys) ?? 0) + 1);
  return counts;
}

function integers(options: {
  batchSize: number;
  intervalMs: number;
  limit: number | undefined;
}): Source<number> {
  return {
    name: "integers",
    bounded: options.limit !== undefined,
    open({ restoredPositions, signal }) {
      let next = (restoredPositions.get("0") as number | undefined) ?? 0;
      return {
        async next(): Promise<SourceEvent<number> | undefined> {
          const limit = options.limit ?? Number.POSITIVE_INFINITY;
          if (next >= limit || signal.aborted) return undefined;
          await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
          const values: number[] = [];
          while (values.length < options.batchSize && next < limit) values.push(next++);
          return { kind: "data", split: "0", values, position: next };
        },
      };
    },
  };
}

/** Keeps each key's latest count and how many records it was given. */
export interface LatestCountSink extends Sink<[number, number]> {
  readonly latest: Map<number, number>;
  readonly written: () => number;
}

function latestCountSink(): LatestCountSink {
  const latest = new Map<number, number>();
  let written = 0;
  return {
    name: "latest-count",
    latest,
    written: () => written,
    write(values) {
      written += values.length;
      for (const [key, count] of values) latest.set(key, count);
    },
  };
}
