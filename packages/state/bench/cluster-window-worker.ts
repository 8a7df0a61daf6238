/**
 * One worker of the window benchmark's job on a split source (`cluster-workers.bench.ts` starts 1
 * or 2 of them): keyed one-second tumbling windows with `stats`, 10k keys, 200 ms disorder, 100
 * events per ms of event time — the job and the data of `bench/window-throughput.ts` — read from
 * 8 splits partitioned by key, with checkpoints every second to Redis published through Redis
 * leases. The source has its data at hand (record `i` is computed from `i`), as the window
 * benchmark's pre-generated batches are, so what is timed is the job, not a data generator.
 *
 * The sink keeps one slot per key and window (a replay after a restart writes the same value into
 * the same slot), and the worker prints one JSON line on stdout at its end: when it was ready
 * (`readyAt`, its modules loaded), when its source handed out the first record and its sink took
 * the last result (`firstRecordAt`, `lastResultAt`: epoch ms, comparable between the processes of
 * one machine), its CPU time in all and from the first record to the last result; it writes its slots (NaN where it wrote no result) to the results
 * file, for the benchmark to merge with the other workers' (a window written by two workers, as
 * a replay after a handoff may, counts once and must have the same value).
 *
 *   node --import tsx cluster-window-worker.ts <redis url> <job> <events> <worker id> <results file> [failover ms]
 */
import { writeFileSync } from "node:fs";
import {
  boundedOutOfOrderness,
  consoleLogger,
  DEFAULT_KEY_GROUPS,
  keyGroupOf,
  pipeline,
  type Sink,
  type SourceEvent,
  type SplittableSource,
  silentLogger,
  stats,
  tumbling,
} from "@eddy/core";
import { redisCheckpoints, redisLeases } from "../src/index.ts";

const [url, job, eventsArg, workerId, resultsFile, failoverArg] = process.argv.slice(2);
if (!url || !job || !eventsArg || !workerId || !resultsFile) {
  console.error(
    "usage: cluster-window-worker.ts <redis url> <job> <events> <worker id> <results file> [failover ms]",
  );
  process.exit(2);
}
const readyAt = performance.timeOrigin + performance.now();
const EVENTS = Number(eventsArg);
const KEYS = 10_000;
const WINDOW = 1_000;
const DISORDER = 200;
const PARTITIONS = 8;
const BATCH = 1_000;
const WINDOWS = Math.ceil(EVENTS / 100 / WINDOW) + 1;

interface KeyedEvent {
  readonly key: string;
  readonly value: number;
  readonly ts: number;
}

/** A 32-bit integer hash (lowbias32): record i's key, value and disorder, the same in every process. */
function mix(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}
const names = Array.from({ length: KEYS }, (_, k) => `key-${k}`);
const keyIndexOf = (i: number) => mix(i) % KEYS;
const eventAt = (i: number): KeyedEvent => ({
  key: names[keyIndexOf(i)]!,
  value: mix(i ^ 0x5bd1e995) % 1_000,
  ts: Math.floor(i / 100) - (mix(i + 0x9e3779b9) % DISORDER),
});
const byKey = (e: KeyedEvent) => e.key;

/**
 * The indices of each partition's records, in order: key group g lies in partition g % 8, as the
 * generator source partitions by key. Computed once, before the job starts (about 0.1 s per 10M).
 */
function partitionIndices(): Int32Array[] {
  const partitionOfKey = names.map((name) => keyGroupOf(name, DEFAULT_KEY_GROUPS) % PARTITIONS);
  const counts = new Array<number>(PARTITIONS).fill(0);
  for (let i = 0; i < EVENTS; i++) counts[partitionOfKey[keyIndexOf(i)]!]!++;
  const lists = counts.map((n) => new Int32Array(n));
  const filled = new Array<number>(PARTITIONS).fill(0);
  for (let i = 0; i < EVENTS; i++) {
    const p = partitionOfKey[keyIndexOf(i)]!;
    lists[p]![filled[p]!++] = i;
  }
  return lists;
}

/** CPU time of this process so far (ms): user and system. */
const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
let firstRecordAt: number | undefined;
let cpuAtFirstRecord = 0;
/** The 8 partitions as splits; a reader reads its assigned ones, the one furthest behind first. */
function splitSource(indices: readonly Int32Array[]): SplittableSource<KeyedEvent> {
  const splitOf = (p: number) => `partition-${p}`;
  return {
    name: "events",
    bounded: true,
    partitionKey: byKey,
    listSplits: ({ keyGroups }) =>
      Array.from({ length: PARTITIONS }, (_, p) => ({
        id: splitOf(p),
        keyGroups: Array.from({ length: keyGroups / PARTITIONS }, (_, j) => j * PARTITIONS + p),
      })),
    open(context) {
      const cursors = indices
        .map((list, p) => ({ p, list, next: (context.restoredPositions.get(splitOf(p)) as number) ?? 0 }))
        .filter(({ p }) => context.assignedSplits?.has(splitOf(p)) ?? true);
      const announce = cursors.map((c) => splitOf(c.p));
      const ended = new Set<number>();
      return {
        async next(): Promise<SourceEvent<KeyedEvent> | undefined> {
          if (context.signal.aborted) return undefined;
          const joining = announce.shift();
          if (joining !== undefined) return { kind: "split-status", split: joining, status: "active" };
          let cursor: (typeof cursors)[number] | undefined;
          for (const c of cursors) {
            if (ended.has(c.p)) continue;
            const at = c.next < c.list.length ? c.list[c.next]! : Number.POSITIVE_INFINITY;
            const best = cursor && cursor.next < cursor.list.length ? cursor.list[cursor.next]! : Infinity;
            if (cursor === undefined || at < best) cursor = c;
          }
          if (cursor === undefined) return undefined;
          if (cursor.next >= cursor.list.length) {
            ended.add(cursor.p);
            return {
              kind: "split-status",
              split: splitOf(cursor.p),
              status: "finished",
              position: cursor.next,
            };
          }
          // Let timers and I/O (checkpoints, lease renewals) run between batches.
          await new Promise((resolve) => setImmediate(resolve));
          if (firstRecordAt === undefined) {
            firstRecordAt = performance.timeOrigin + performance.now();
            cpuAtFirstRecord = cpuNow();
          }
          const stop = Math.min(cursor.list.length, cursor.next + BATCH);
          const values: KeyedEvent[] = [];
          for (let j = cursor.next; j < stop; j++) values.push(eventAt(cursor.list[j]!));
          cursor.next = stop;
          return { kind: "data", split: splitOf(cursor.p), values, position: stop };
        },
      };
    },
  };
}

/** One slot per key and window: a result written again after a replay lands in its own slot. */
const results = new Float64Array(KEYS * WINDOWS).fill(Number.NaN);
let lastResultAt = 0;
let cpuAtLastResult = 0;
const sink: Sink<{
  key: string;
  window: { start: number };
  value: { sum: number; min: number; max: number };
}> = {
  name: "results",
  write(values) {
    for (const r of values) {
      const slot = Number(r.key.slice(4)) * WINDOWS + Math.floor(r.window.start / WINDOW) + 1;
      results[slot] = r.value.sum + r.value.max - r.value.min + r.window.start;
    }
    lastResultAt = performance.timeOrigin + performance.now();
    cpuAtLastResult = cpuNow();
  },
};

const failoverMs = failoverArg === undefined ? undefined : Number(failoverArg);
const store = redisCheckpoints(url);
const leases = redisLeases(url, { job });
const indices = partitionIndices();
const pipe = pipeline(job, {
  // EDDY_BENCH_LOG=1 shows the worker's lease events (on stderr), to see where time goes.
  logger: process.env.EDDY_BENCH_LOG ? consoleLogger : silentLogger,
  checkpoints: { every: 1_000, store },
  cluster: {
    leases,
    workerId,
    // As the kit's --failover-time sets them: lease duration = failover time, ten polls per failover time.
    ...(failoverMs === undefined
      ? {}
      : {
          failoverTimeMs: failoverMs,
          leaseDurationMs: failoverMs,
          pollIntervalMs: Math.min(1_000, failoverMs / 10),
        }),
  },
  stopOnSignals: false,
});
pipe
  .source(splitSource(indices))
  .withWatermarks(boundedOutOfOrderness(DISORDER), (e) => e.ts)
  .keyBy(byKey)
  .window(tumbling(WINDOW))
  .aggregate(stats((e) => e.value))
  .sink(sink);
const startedAt = performance.timeOrigin + performance.now();
const result = await pipe.run();
writeFileSync(resultsFile, results);
console.log(
  JSON.stringify({
    workerId,
    outcome: result.outcome,
    readyAt,
    startedAt,
    firstRecordAt,
    lastResultAt,
    endAt: performance.timeOrigin + performance.now(),
    cpuMs: cpuNow(),
    // CPU spent from the first record to the last result: the work shared out, without start-up.
    processingCpuMs: cpuAtLastResult - cpuAtFirstRecord,
  }),
);
await store.close();
await leases.close();
