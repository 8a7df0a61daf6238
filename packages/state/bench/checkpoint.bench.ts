/**
 * Checkpoint benchmarks of the Redis store on 1M keys of window state (a 1 s tumbling window with a
 * count/sum/min/max accumulator and one pending timer per key, encoded the way the window operator
 * encodes its slots), in a KeyedHeap with 128 key groups:
 *
 *   (a) a full checkpoint: the synchronous pause (heap snapshot + serialize, what blocks
 *       processing), the checksums the coordinator computes, and the asynchronous write to Redis;
 *   (b) an incremental checkpoint with 1% of the keys changed;
 *   (c) a restore: read (with checksum verification) + deserialize + heap restore.
 *
 * Each with v8Serde (core's default) and msgpackSerde, each serde in a process of its own, medians
 * of RUNS runs, against a redis-server this script starts on a free port. Prints figures and ratios to the targets
 * (full ≤ 0.6 s, incremental ≤ 50 ms, restore ≤ 1 s); never fails on time.
 *
 *   ./node_modules/.bin/tsx packages/state/bench/checkpoint.bench.ts [keys] [runs] [both|msgpack|v8]
 */
import { spawn } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { PerformanceObserver } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import {
  type BlobRef,
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointManifest,
  checksumOf,
  type Key,
  KeyedHeap,
  type KeyGroupBlobRef,
  type KeyGroupSnapshot,
  type Serde,
  silentLogger,
  v8Serde,
} from "@eddy/core";
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

/** A window slot as the window operator holds it on the heap. */
interface Slot {
  readonly window: { readonly start: number; readonly end: number };
  readonly seq: number;
  acc: { count: number; sum: number; min: number; max: number };
  filled: boolean;
  pending: boolean;
  triggerState: unknown;
  timers: number[];
}

const encodeSlots = (slots: Slot[]) =>
  slots.map((slot) => ({
    start: slot.window.start,
    end: slot.window.end,
    seq: slot.seq,
    acc: slot.acc,
    filled: slot.filled,
    pending: slot.pending,
    trigger: slot.triggerState,
    timers: slot.timers,
  }));

type EncodedSlot = ReturnType<typeof encodeSlots>[number];

const decodeSlots = (data: unknown): Slot[] =>
  (data as EncodedSlot[]).map((s) => ({
    window: { start: s.start, end: s.end },
    seq: s.seq,
    acc: s.acc,
    filled: s.filled,
    pending: s.pending,
    triggerState: s.trigger,
    timers: s.timers,
  }));

function buildHeap(): KeyedHeap<string, Slot[]> {
  const heap = new KeyedHeap<string, Slot[]>(KEY_GROUPS);
  const start = 1_700_000_000_000;
  for (let i = 0; i < KEYS; i++) {
    const value = (i * 7919) % 1000;
    const entry = heap.getOrCreate(`key-${i}`, () => [
      {
        window: { start, end: start + 1_000 },
        seq: i,
        acc: { count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY },
        filled: true,
        pending: true,
        triggerState: undefined,
        timers: [start + 999, i, 0],
      },
    ]);
    const acc = entry.state[0]!.acc;
    acc.count++;
    acc.sum += value;
    acc.min = Math.min(acc.min, value);
    acc.max = Math.max(acc.max, value);
  }
  return heap;
}

/** What the coordinator does with an operator's snapshot: chains per group, checksums, manifest. */
class MiniCoordinator {
  #chains: Record<string, KeyGroupBlobRef[]> = {};
  #nextId = 1;
  constructor(readonly job: string) {}

  assemble(groups: { group: number; mode: "full" | "delta"; blob: Uint8Array }[]) {
    const id = this.#nextId++;
    const blobs = new Map<string, Uint8Array>();
    const ref = (key: string, bytes: Uint8Array): BlobRef => {
      blobs.set(key, bytes);
      return { key, checksum: checksumOf(bytes), size: bytes.byteLength };
    };
    const chains: Record<string, KeyGroupBlobRef[]> = { ...this.#chains };
    for (const g of groups) {
      const r = { ...ref(`${this.job}/${id}/window/kg${g.group}`, g.blob), mode: g.mode };
      chains[g.group] = g.mode === "full" ? [r] : [...(chains[g.group] ?? []), r];
    }
    this.#chains = chains;
    const manifest: CheckpointManifest = {
      version: CHECKPOINT_FORMAT_VERSION,
      job: this.job,
      checkpointId: id,
      kind: "checkpoint",
      completedAt: Date.now(),
      keyGroups: KEY_GROUPS,
      sources: { "source#1": { "0": id } },
      operators: {
        window: { keyGroups: chains, operator: ref(`${this.job}/${id}/window/op`, new Uint8Array(8)) },
      },
      sinks: {},
    };
    return { manifest, blobs };
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

interface CheckpointTimes {
  snapshot: number;
  serialize: number;
  checksum: number;
  /** CPU time of snapshot + serialize (the pause). */
  pauseCpu: number;
  /** GC pauses during snapshot + serialize. */
  pauseGc: number;
  writeBlobs: number;
  publish: number;
  bytes: number;
  blobs: number;
}

async function checkpoint(
  heap: KeyedHeap<string, Slot[]>,
  full: boolean,
  serde: Serde<unknown>,
  coordinator: MiniCoordinator,
  store: RedisCheckpointStore,
  blobsWritten: { at: number },
): Promise<CheckpointTimes> {
  const c0 = cpu();
  const t0 = performance.now();
  const snapshots = heap.snapshot(full, encodeSlots);
  const t1 = performance.now();
  const groups = snapshots.map((s) => ({
    group: s.group,
    mode: s.mode,
    blob: serde.serialize({ entries: s.entries, deleted: s.deleted }),
  }));
  const t2 = performance.now();
  const c2 = cpu();
  const assembled = coordinator.assemble(groups);
  const t3 = performance.now();
  await store.commit(assembled, 3);
  const t4 = performance.now();
  await new Promise((resolve) => setTimeout(resolve, 20));
  let bytes = 0;
  for (const b of assembled.blobs.values()) bytes += b.byteLength;
  return {
    snapshot: t1 - t0,
    serialize: t2 - t1,
    checksum: t3 - t2,
    pauseCpu: c2 - c0,
    pauseGc: gcBetween(t0, t2),
    writeBlobs: blobsWritten.at - t3,
    publish: t4 - blobsWritten.at,
    bytes,
    blobs: assembled.blobs.size,
  };
}

interface RestoreTimes {
  read: number;
  deserialize: number;
  heapRestore: number;
  /** CPU time of deserialize + heap restore. */
  decodeCpu: number;
  /** GC pauses during deserialize + heap restore. */
  decodeGc: number;
  keys: number;
}

async function restore(
  store: RedisCheckpointStore,
  job: string,
  serde: Serde<unknown>,
): Promise<RestoreTimes> {
  const t0 = performance.now();
  const [latest] = await store.checkpoints(job);
  const raw: { group: number; mode: "full" | "delta"; blob: Uint8Array }[] = [];
  // As core's restore does: one blob after the other.
  for (const [group, chain] of Object.entries(latest!.operators.window!.keyGroups)) {
    for (const ref of chain)
      raw.push({ group: Number(group), mode: ref.mode, blob: await store.readBlob(ref) });
  }
  const t1 = performance.now();
  const c1 = cpu();
  const snapshots: KeyGroupSnapshot[] = raw.map((r) => {
    const { entries, deleted } = serde.deserialize(r.blob) as { entries: [Key, unknown][]; deleted: Key[] };
    return { group: r.group, mode: r.mode, entries, deleted };
  });
  const t2 = performance.now();
  const heap = new KeyedHeap<string, Slot[]>(KEY_GROUPS);
  heap.restore(snapshots, decodeSlots);
  const t3 = performance.now();
  const decodeCpu = cpu() - c1;
  await new Promise((resolve) => setTimeout(resolve, 20));
  return {
    read: t1 - t0,
    deserialize: t2 - t1,
    heapRestore: t3 - t2,
    decodeCpu,
    decodeGc: gcBetween(t1, t3),
    keys: heap.size,
  };
}

/** Reads every blob of the latest checkpoint concurrently: what a batched restore could do. */
async function readConcurrently(store: RedisCheckpointStore, job: string): Promise<number> {
  const t0 = performance.now();
  const [latest] = await store.checkpoints(job);
  await Promise.all(
    Object.values(latest!.operators.window!.keyGroups).flatMap((c) => c.map((r) => store.readBlob(r))),
  );
  return performance.now() - t0;
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
  console.log(
    `checkpoint benchmark: ${KEYS.toLocaleString()} keys, ${KEY_GROUPS} key groups, medians of ${RUNS} runs`,
  );
  console.log(
    `load average ${loadavg()[0]!.toFixed(2)} on ${availableParallelism()} cores (wall times inflate when it exceeds the cores; CPU times less so)`,
  );
  const server = await startRedisServer();
  const blobsWritten = { at: 0 };
  const store = new RedisCheckpointStore(
    { host: "127.0.0.1", port: server.port, commandTimeout: 300_000 },
    {
      logger: silentLogger,
      afterBlobsWritten: () => {
        blobsWritten.at = performance.now();
      },
    },
  );
  try {
    const t = performance.now();
    const heap = buildHeap();
    console.log(`heap built in ${ms(performance.now() - t)}; node ${process.version}`);
    const keys = [...heap.values()].map((e) => e.key);
    let seed = 1;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };

    const [name, serde] = only === "v8" ? ["v8Serde", v8Serde] : ["msgpackSerde", msgpackSerde];
    {
      const job = `bench-${name}-${Date.now()}`;
      const coordinator = new MiniCoordinator(job);
      // Warm-up: one full checkpoint, not counted.
      await checkpoint(heap, true, serde, coordinator, store, blobsWritten);

      const fulls: CheckpointTimes[] = [];
      for (let r = 0; r < RUNS; r++)
        fulls.push(await checkpoint(heap, true, serde, coordinator, store, blobsWritten));
      const incrementals: CheckpointTimes[] = [];
      for (let r = 0; r < RUNS; r++) {
        for (let i = 0; i < CHANGED; i++) {
          const entry = heap.get(keys[Math.floor(random() * keys.length)]!)!;
          const acc = entry.state[0]!.acc;
          acc.count++;
          acc.sum += 1;
          heap.touch(entry);
        }
        incrementals.push(await checkpoint(heap, false, serde, coordinator, store, blobsWritten));
      }
      const restores: RestoreTimes[] = [];
      for (let r = 0; r < RUNS; r++) restores.push(await restore(store, job, serde));
      const concurrentReads: number[] = [];
      for (let r = 0; r < RUNS; r++) concurrentReads.push(await readConcurrently(store, job));

      const full = medianOf(fulls);
      const inc = medianOf(incrementals);
      const rest = medianOf(restores);
      const fullTotal = median(
        fulls.map((f) => f.snapshot + f.serialize + f.checksum + f.writeBlobs + f.publish),
      );
      const fullPause = median(fulls.map((f) => f.snapshot + f.serialize));
      const incTotal = median(
        incrementals.map((f) => f.snapshot + f.serialize + f.checksum + f.writeBlobs + f.publish),
      );
      const restTotal = median(restores.map((f) => f.read + f.deserialize + f.heapRestore));

      console.log(`\n== ${name} ==`);
      console.log(
        `(a) full:        ${ms(fullTotal)} = pause ${ms(fullPause)} (snapshot ${ms(full.snapshot)} + serialize ${ms(full.serialize)})` +
          ` + checksums ${ms(full.checksum)} + Redis ${ms(full.writeBlobs + full.publish)} (blobs ${ms(full.writeBlobs)}, publish ${ms(full.publish)});` +
          ` ${full.blobs} blobs, ${mb(full.bytes)}  → ${verdict(fullTotal, TARGETS.full)}; pause CPU ${ms(full.pauseCpu)}, of it GC ${ms(full.pauseGc)}`,
      );
      console.log(
        `(b) incremental: ${ms(incTotal)} = snapshot ${ms(inc.snapshot)} + serialize ${ms(inc.serialize)} + checksums ${ms(inc.checksum)}` +
          ` + Redis ${ms(inc.writeBlobs + inc.publish)} (blobs ${ms(inc.writeBlobs)}, publish ${ms(inc.publish)});` +
          ` ${CHANGED.toLocaleString()} keys changed, ${inc.blobs} blobs, ${mb(inc.bytes)}  → ${verdict(incTotal, TARGETS.incremental)}`,
      );
      console.log(
        `(c) restore:     ${ms(restTotal)} = read+verify ${ms(rest.read)} + deserialize ${ms(rest.deserialize)} + heap restore ${ms(rest.heapRestore)};` +
          ` ${rest.keys.toLocaleString()} keys  → ${verdict(restTotal, TARGETS.restore)}; deserialize+restore CPU ${ms(rest.decodeCpu)}, of it GC ${ms(rest.decodeGc)}` +
          `  (reading the blobs concurrently instead: ${ms(median(concurrentReads))})`,
      );
      const mem = process.memoryUsage();
      console.log(`    heap used ${mb(mem.heapUsed)}, rss ${mb(mem.rss)}`);
      return { full: fullTotal, pause: fullPause, incremental: incTotal, restore: restTotal };
    }
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
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
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
