/**
 * Checkpoints of large window state, measured on the real window operator: 1M keys, each with an
 * open 1 s tumbling event-time window of `stats` (fed through the operator, two records a key),
 * 128 key groups, a real Redis this script starts on a free port. As a job runs them:
 *
 *   (a) a full checkpoint: the pause it causes (the operator's snapshot and its serialization,
 *       which run synchronously as the barrier passes), then the coordinator's checksums and
 *       manifest and the store's write to Redis, until the checkpoint is committed;
 *   (b) an incremental checkpoint after records for 1% of the keys;
 *   (c) a restore: read and verify every blob of the latest checkpoint (full + deltas), deserialize
 *       them, and rebuild a fresh operator from them;
 *   (d) then one record for each key into the restored operator (not part of the restore's time:
 *       it shows whether a restore left work for the records after it).
 *
 * Medians of RUNS runs, with ratios to the targets (full ≤ 0.6 s, incremental ≤ 50 ms, restore
 * ≤ 1 s), for msgpackSerde and v8Serde (each serde in a process of its own); never fails on time.
 * It drives core's operator, coordinator and restore directly (not through a pipeline) so that
 * each step can be timed on its own.
 *
 *   ./node_modules/.bin/tsx packages/state/bench/checkpoint.bench.ts [keys] [runs] [both|msgpack|v8]
 */
import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  type CheckpointManifest,
  CheckpointMetrics,
  checksumOf,
  type Operator,
  type OperatorContext,
  OperatorMetrics,
  type Serde,
  silentLogger,
  stats,
  tumbling,
  VirtualClock,
  v8Serde,
} from "@eddy/core";
import { CheckpointCoordinator } from "../../core/src/checkpoint/coordinator.ts";
import { restoreFirstUsable } from "../../core/src/checkpoint/restore.ts";
import { deserializeSnapshot, serializeSnapshot } from "../../core/src/runtime/stage-runtime.ts";
import { eventTimeTrigger } from "../../core/src/windows/triggers.ts";
import { windowOperator } from "../../core/src/windows/window-operator.ts";
import { msgpackSerde } from "../src/msgpack-serde.ts";
import { RedisCheckpointStore } from "../src/redis-checkpoint-store.ts";
import { startRedisServer } from "../src/test-support/redis-server.ts";

const KEYS = Number(process.argv[2] ?? 1_000_000);
const RUNS = Math.max(3, Number(process.argv[3] ?? 3));
/** `both` (default), `msgpack` or `v8`. */
const SERDES = process.argv[4] ?? "both";
const KEY_GROUPS = 128;
const CHANGED = Math.round(KEYS / 100);
const TARGETS = { full: 600, incremental: 50, restore: 1_000 };
/** The open window: [WINDOW, WINDOW + 1 s). */
const WINDOW = 1_700_000_000_000;
const BATCH = 10_000;
const OPERATOR = "window";

interface Event {
  readonly key: string;
  readonly value: number;
  readonly ts: number;
}

const aggregate = stats((e: Event) => e.value);

/** The window operator as `keyBy(e => e.key).window(tumbling(1 s)).aggregate(stats(...))` builds it. */
function openOperator(): Operator<Event> {
  const context: OperatorContext = {
    name: OPERATOR,
    clock: new VirtualClock(),
    keyGroups: KEY_GROUPS,
    metrics: new OperatorMetrics(OPERATOR),
    currentWatermark: () => Number.NEGATIVE_INFINITY,
    scheduleProcessingTime: () => () => {},
    fail: (error) => {
      throw error;
    },
  };
  return windowOperator({
    keyOf: (e: Event) => e.key,
    assigner: tumbling(1_000),
    trigger: eventTimeTrigger(),
    allowedLateness: 0,
    lateDataTag: undefined,
    aggregate,
    fire: (key, window, acc, emit) => emit({ key, window, value: aggregate.result(acc) }),
  })(context, { emit: () => {}, emitBatch: () => {}, emitSide: () => {}, emitWatermark: () => {} });
}

/** Feeds one record for each key `keyAt(0 .. count)`, in batches, as the runtime would. */
function feed(operator: Operator<Event>, count: number, keyAt: (i: number) => number, round: number): void {
  for (let from = 0; from < count; from += BATCH) {
    const values: Event[] = [];
    const timestamps: number[] = [];
    for (let i = from; i < Math.min(count, from + BATCH); i++) {
      const k = keyAt(i);
      const ts = WINDOW + ((k * 7 + round) % 1_000);
      values.push({ key: `key-${k}`, value: (k * 7919 + round) % 1_000, ts });
      timestamps.push(ts);
    }
    operator.processBatch({ kind: "data", values, timestamps });
  }
}

/** Garbage-collection pauses seen so far (start, duration), to attribute them to phases. */
const gcPauses: { start: number; duration: number }[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push({ start: entry.startTime, duration: entry.duration });
}).observe({ entryTypes: ["gc"] });

/** GC time that started within [from, to) (entries arrive asynchronously: call after an await). */
function gcBetween(from: number, to: number): number {
  let total = 0;
  for (const pause of gcPauses) if (pause.start >= from && pause.start < to) total += pause.duration;
  return total;
}

/** CPU time of this process (user + system) in ms: less sensitive than wall time to a busy machine. */
function cpu(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1_000;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

interface CheckpointTimes {
  snapshot: number;
  serialize: number;
  /** CPU time of snapshot + serialize (the pause). */
  pauseCpu: number;
  /** GC pauses during snapshot + serialize. */
  pauseGc: number;
  /** From the operator's acknowledgement to the blobs being in Redis: checksums, manifest, writes. */
  writeBlobs: number;
  /** Publishing the manifest (one Lua script), until the checkpoint is committed. */
  publish: number;
  /** sha256 of this checkpoint's blobs, measured apart (it is part of writeBlobs). */
  checksums: number;
  bytes: number;
  blobs: number;
}

/** What the job's checkpoint coordinator, source and sink do around the operator. */
class Checkpointer {
  readonly #coordinator: CheckpointCoordinator;
  #barrier: number | undefined;
  blobsWrittenAt = 0;

  constructor(
    readonly job: string,
    store: RedisCheckpointStore,
    readonly serde: Serde<unknown>,
  ) {
    this.#coordinator = new CheckpointCoordinator({
      job,
      keyGroups: KEY_GROUPS,
      checkpoints: { store, retain: 3 },
      participants: {
        injectBarrier: (id) => {
          this.#barrier = id;
        },
        sinkIds: ["sink"],
        notifyComplete: async () => {},
      },
      clock: new VirtualClock(),
      serde,
      logger: silentLogger,
      metrics: new CheckpointMetrics(),
      onFatal: (error) => {
        throw error;
      },
    });
  }

  async checkpoint(operator: Operator<Event>, full: boolean): Promise<CheckpointTimes> {
    const done = this.#coordinator.trigger()!;
    const id = this.#barrier!;
    const c0 = cpu();
    const t0 = performance.now();
    // The barrier passes the operator: snapshot and serialize, synchronously (operator-stage.ts).
    const snapshot = operator.snapshotState!(full);
    const t1 = performance.now();
    const serialized = serializeSnapshot(snapshot, this.serde);
    const t2 = performance.now();
    const pauseCpu = cpu() - c0;
    this.#coordinator.acknowledgeSource("source", id, new Map([["0", id]]));
    this.#coordinator.acknowledgeOperator(OPERATOR, id, serialized);
    this.#coordinator.acknowledgeSink("sink", id, undefined);
    const manifest: CheckpointManifest = await done;
    const t3 = performance.now();
    await settle();
    let bytes = 0;
    const c = performance.now();
    for (const group of serialized.keyGroups) {
      checksumOf(group.blob);
      bytes += group.blob.byteLength;
    }
    const checksums = performance.now() - c;
    return {
      snapshot: t1 - t0,
      serialize: t2 - t1,
      pauseCpu,
      pauseGc: gcBetween(t0, t2),
      writeBlobs: this.blobsWrittenAt - t2,
      publish: t3 - this.blobsWrittenAt,
      checksums,
      bytes,
      blobs: serialized.keyGroups.length + 1 + Object.keys(manifest.sinks).length,
    };
  }
}

interface RestoreTimes {
  /** Reading every blob of the latest checkpoint (concurrently) and verifying its checksum. */
  read: number;
  deserialize: number;
  /** A fresh operator rebuilt from the snapshots. */
  rebuild: number;
  /** CPU time of deserialize + rebuild. */
  decodeCpu: number;
  /** GC pauses during deserialize + rebuild. */
  decodeGc: number;
  /**
   * Then one record for each key into the restored operator (the records made in the same loop):
   * what the job does next, and what a restore that left work for later would make slower.
   */
  firstRecords: number;
  blobs: number;
}

async function restore(
  store: RedisCheckpointStore,
  job: string,
  serde: Serde<unknown>,
): Promise<RestoreTimes> {
  const t0 = performance.now();
  const restored = await restoreFirstUsable(store, await store.checkpoints(job), {
    job,
    serde,
    logger: silentLogger,
  });
  const t1 = performance.now();
  const c1 = cpu();
  const state = restored!.operators.get(OPERATOR)!;
  const snapshot = deserializeSnapshot(state, serde);
  const t2 = performance.now();
  const operator = openOperator();
  operator.restoreState!(snapshot);
  const t3 = performance.now();
  const decodeCpu = cpu() - c1;
  feed(operator, KEYS, (i) => i, 7);
  const firstRecords = performance.now() - t3;
  await settle();
  return {
    read: t1 - t0,
    deserialize: t2 - t1,
    rebuild: t3 - t2,
    decodeCpu,
    decodeGc: gcBetween(t1, t3),
    firstRecords,
    blobs: state.keyGroups.length,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function medianOf<T extends object>(runs: T[]): T {
  const out = {} as Record<string, number>;
  for (const key of Object.keys(runs[0]!))
    out[key] = median(runs.map((r) => (r as Record<string, number>)[key]!));
  return out as T;
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
const verdict = (value: number, target: number) =>
  `${(value / target).toFixed(2)}× target ${target} ms ${value <= target ? "(met)" : "(MISSED)"}`;

type Summary = { full: number; pause: number; incremental: number; restore: number };

/** Measures one serde in this process (a fresh heap, so one serde's garbage does not tax the other). */
async function measure(only: string): Promise<Summary> {
  const [name, serde] = only === "v8" ? ["v8Serde", v8Serde] : ["msgpackSerde", msgpackSerde];
  console.log(
    `checkpoint benchmark, ${name}: ${KEYS.toLocaleString()} keys in open 1 s windows of the window operator (stats), ${KEY_GROUPS} key groups, medians of ${RUNS} runs`,
  );
  console.log(
    `load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores (wall times inflate when it exceeds the cores; CPU times less so)`,
  );
  const server = await startRedisServer();
  let checkpointer: Checkpointer | undefined;
  const store = new RedisCheckpointStore(
    { host: "127.0.0.1", port: server.port, commandTimeout: 300_000 },
    {
      logger: silentLogger,
      afterBlobsWritten: () => {
        if (checkpointer) checkpointer.blobsWrittenAt = performance.now();
      },
    },
  );
  try {
    const t = performance.now();
    const operator = openOperator();
    // Two records a key.
    feed(operator, KEYS, (i) => i, 0);
    feed(operator, KEYS, (i) => i, 1);
    const mem = process.memoryUsage();
    console.log(
      `state built in ${ms(performance.now() - t)} (heap used ${mb(mem.heapUsed)}, array buffers ${mb(mem.arrayBuffers)}); node ${process.version}`,
    );

    const job = `bench-${name}-${Date.now()}`;
    checkpointer = new Checkpointer(job, store, serde);
    // Warm-up: one full checkpoint, not counted.
    await checkpointer.checkpoint(operator, true);

    const fulls: CheckpointTimes[] = [];
    for (let r = 0; r < RUNS; r++) fulls.push(await checkpointer.checkpoint(operator, true));
    const incrementals: CheckpointTimes[] = [];
    let seed = 1;
    const randomKey = () => {
      seed = (seed * 48271) % 2147483647;
      return seed % KEYS;
    };
    for (let r = 0; r < RUNS; r++) {
      feed(operator, CHANGED, randomKey, r + 2);
      incrementals.push(await checkpointer.checkpoint(operator, false));
    }
    const restores: RestoreTimes[] = [];
    for (let r = 0; r < RUNS; r++) restores.push(await restore(store, job, serde));

    const full = medianOf(fulls);
    const inc = medianOf(incrementals);
    const rest = medianOf(restores);
    const total = (c: CheckpointTimes) => c.snapshot + c.serialize + c.writeBlobs + c.publish;
    const fullTotal = median(fulls.map(total));
    const fullPause = median(fulls.map((f) => f.snapshot + f.serialize));
    const incTotal = median(incrementals.map(total));
    const incPause = median(incrementals.map((f) => f.snapshot + f.serialize));
    const restTotal = median(restores.map((f) => f.read + f.deserialize + f.rebuild));

    console.log(`\n== ${name} ==`);
    console.log(
      `(a) full:        ${ms(fullTotal)} = pause ${ms(fullPause)} (snapshot ${ms(full.snapshot)} + serialize ${ms(full.serialize)})` +
        ` + checksums and Redis writes ${ms(full.writeBlobs)} (of it sha256 ${ms(full.checksums)}) + publish ${ms(full.publish)};` +
        ` ${full.blobs} blobs, ${mb(full.bytes)}  → ${verdict(fullTotal, TARGETS.full)}; pause CPU ${ms(full.pauseCpu)}, of it GC ${ms(full.pauseGc)}`,
    );
    console.log(
      `(b) incremental: ${ms(incTotal)} = pause ${ms(incPause)} (snapshot ${ms(inc.snapshot)} + serialize ${ms(inc.serialize)})` +
        ` + checksums and Redis writes ${ms(inc.writeBlobs)} + publish ${ms(inc.publish)};` +
        ` ${CHANGED.toLocaleString()} keys changed, ${inc.blobs} blobs, ${mb(inc.bytes)}  → ${verdict(incTotal, TARGETS.incremental)}; pause CPU ${ms(inc.pauseCpu)}, of it GC ${ms(inc.pauseGc)}`,
    );
    console.log(
      `(c) restore:     ${ms(restTotal)} = read+verify ${ms(rest.read)} + deserialize ${ms(rest.deserialize)} + rebuild ${ms(rest.rebuild)};` +
        ` ${rest.blobs} key-group blobs (full + deltas)  → ${verdict(restTotal, TARGETS.restore)}; deserialize+rebuild CPU ${ms(rest.decodeCpu)}, of it GC ${ms(rest.decodeGc)}`,
    );
    console.log(
      `(d) after the restore, one record for each of the ${KEYS.toLocaleString()} keys: ${ms(rest.firstRecords)}`,
    );
    const after = process.memoryUsage();
    console.log(`    heap used ${mb(after.heapUsed)}, rss ${mb(after.rss)}`);
    return { full: fullTotal, pause: fullPause, incremental: incTotal, restore: restTotal };
  } finally {
    await store.close();
    await server.stop();
  }
}

const RESULT = "RESULT ";

/** Runs this script for one serde in a child process and relays its output. */
function measureInChild(only: string): Promise<Summary> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), String(KEYS), String(RUNS), only],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let result: Summary | undefined;
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith(RESULT)) result = JSON.parse(line.slice(RESULT.length)) as Summary;
      else console.log(line);
    });
    child.once("exit", (code) =>
      result ? resolve(result) : reject(new Error(`the ${only} benchmark exited with ${code}`)),
    );
  });
}

if (SERDES === "both") {
  const v8 = await measureInChild("v8");
  const mp = await measureInChild("msgpack");
  console.log("\n== msgpackSerde vs v8Serde (ratio < 1: msgpack faster) ==");
  console.log(
    `full ${(mp.full / v8.full).toFixed(2)}, pause ${(mp.pause / v8.pause).toFixed(2)}, incremental ${(mp.incremental / v8.incremental).toFixed(2)}, restore ${(mp.restore / v8.restore).toFixed(2)}`,
  );
} else {
  console.log(`${RESULT}${JSON.stringify(await measure(SERDES))}`);
}
