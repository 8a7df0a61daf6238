/**
 * The window benchmark on a split source, 1 against 2 worker processes: the job and data of
 * `bench/window-throughput.ts` (keyed one-second tumbling windows, `stats`, 10k keys, 200 ms
 * disorder) read from 8 splits partitioned by key, checkpoints every second to Redis, leases in
 * Redis (`cluster-window-worker.ts`). Runs 1 and 2 workers alternately, ROUNDS rounds, and prints
 * per configuration the medians of
 *
 *   - processing: from the first record any worker read to the last result any worker wrote;
 *   - wall time: from spawning the workers until the last exits (tsx start-up, joining the lease
 *     table, waiting for assignments and leaving included);
 *   - CPU time of all workers, and of the busiest one, in all and from its first record to its last
 *     result (on a machine other work loads, the ratio of these says what an idle one would give);
 *
 * and the speed-up (1 worker over 2) of each. The target on a 2-core machine is ≥ 1.7×. The
 * machine is shared: the load average is printed before and after, and the ratio of CPU times
 * says what an idle machine would give. Every run must write the same window results (count and
 * checksum of the workers' results merged), else the benchmark fails. Measured, never asserted.
 *
 *   ./node_modules/.bin/tsx packages/state/bench/cluster-workers.bench.ts [events] [rounds] [failover ms]
 *
 * `failover ms` sets the failover time as the kit's `--failover-time` does (lease duration equal,
 * polls ten times per failover time); default the lease defaults (10 s, polls every second).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startRedisServer } from "../src/test-support/redis-server.ts";

const EVENTS = Number(process.argv[2] ?? 20_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const FAILOVER = process.argv[4];
const WORKER = fileURLToPath(new URL("./cluster-window-worker.ts", import.meta.url));

interface WorkerReport {
  readonly workerId: string;
  readonly outcome: string;
  readonly readyAt: number;
  readonly firstRecordAt: number | undefined;
  readonly lastResultAt: number;
  readonly endAt: number;
  readonly cpuMs: number;
  readonly processingCpuMs: number;
}

interface Run {
  readonly processingMs: number;
  readonly wallMs: number;
  readonly startMs: number;
  readonly cpuMs: number;
  readonly busiestCpuMs: number;
  /** CPU from each worker's first record to its last result, of the busiest worker. */
  readonly processingCpuMs: number;
  readonly count: number;
  readonly checksum: number;
}

const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const seconds = (ms: number) => (ms / 1000).toFixed(2);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");

function worker(url: string, job: string, id: string, resultsFile: string): Promise<WorkerReport> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", WORKER, url, job, String(EVENTS), id, resultsFile, ...(FAILOVER ? [FAILOVER] : [])],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) => {
      const line = stdout.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`worker ${id} exited with ${code}: ${stderr}${stdout}`));
        return;
      }
      resolve(JSON.parse(line) as WorkerReport);
    }),
  );
}

async function timed(url: string, workers: number): Promise<Run> {
  const job = `bench-${randomUUID()}`;
  const spawnedAt = performance.timeOrigin + performance.now();
  const files = Array.from({ length: workers }, (_, i) => join(directory, `${job}-w${i}.f64`));
  const reports = await Promise.all(files.map((file, i) => worker(url, job, `w${i}`, file)));
  const exitedAt = performance.timeOrigin + performance.now();
  const { count, checksum } = merged(files);
  const reading = reports.filter((r) => r.firstRecordAt !== undefined);
  const first = Math.min(...reading.map((r) => r.firstRecordAt!));
  const last = Math.max(...reading.map((r) => r.lastResultAt));
  return {
    processingMs: last - first,
    wallMs: exitedAt - spawnedAt,
    startMs: first - spawnedAt,
    cpuMs: reports.reduce((sum, r) => sum + r.cpuMs, 0),
    busiestCpuMs: Math.max(...reports.map((r) => r.cpuMs)),
    processingCpuMs: Math.max(...reports.map((r) => r.processingCpuMs)),
    count,
    checksum,
  };
}

/**
 * The workers' result slots as one: a slot two workers wrote (a window emitted again after a
 * handoff's replay) counts once, and must hold the same value in both — else exactly-once state
 * was broken, and the benchmark fails.
 */
function merged(files: readonly string[]): { count: number; checksum: number } {
  const slots = files.map((file) => {
    const bytes = readFileSync(file);
    rmSync(file);
    return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8);
  });
  let count = 0;
  let checksum = 0;
  for (let i = 0; i < slots[0]!.length; i++) {
    let value = Number.NaN;
    for (const slot of slots) {
      const v = slot[i]!;
      if (Number.isNaN(v)) continue;
      if (!Number.isNaN(value) && v !== value) {
        throw new Error(`two workers wrote different results for slot ${i}: ${value} and ${v}`);
      }
      value = v;
    }
    if (Number.isNaN(value)) continue;
    count++;
    checksum += value;
  }
  return { count, checksum };
}

const directory = mkdtempSync(join(tmpdir(), "eddy-cluster-bench-"));
const redis = await startRedisServer();
try {
  console.log(
    `window benchmark on a split source: ${EVENTS / 1e6}M events, 10k keys, 8 splits by key, checkpoints every 1 s to Redis, failover time ${FAILOVER ?? "default"} ms; ${ROUNDS} rounds, 1 and 2 workers alternately; load average before: ${load()}`,
  );
  const runs = new Map<number, Run[]>([
    [1, []],
    [2, []],
  ]);
  let expected: { count: number; checksum: number } | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first too, so a trend in the machine's load falls on both alike.
    for (const workers of round % 2 === 0 ? [1, 2] : [2, 1]) {
      const run = await timed(redis.url, workers);
      expected ??= { count: run.count, checksum: run.checksum };
      if (run.count !== expected.count || run.checksum !== expected.checksum) {
        throw new Error(
          `${workers} worker(s) wrote ${run.count} results (checksum ${run.checksum}), the first run ${expected.count} (${expected.checksum})`,
        );
      }
      runs.get(workers)!.push(run);
      console.log(
        `  round ${round + 1}, ${workers} worker(s): processing ${seconds(run.processingMs)} s, wall ${seconds(run.wallMs)} s (first record after ${seconds(run.startMs)} s), CPU ${seconds(run.cpuMs)} s (busiest worker ${seconds(run.busiestCpuMs)} s, of it processing ${seconds(run.processingCpuMs)} s); load ${load()}`,
      );
    }
  }
  const m = (workers: number, field: keyof Run) => median(runs.get(workers)!.map((r) => r[field]));
  const row = (label: string, field: keyof Run) =>
    console.log(
      `  ${label.padEnd(34)} 1 worker ${seconds(m(1, field)).padStart(6)} s   2 workers ${seconds(m(2, field)).padStart(6)} s   speed-up ${(m(1, field) / m(2, field)).toFixed(2)}×`,
    );
  console.log(`medians of ${ROUNDS} (${expected!.count} window results in every run):`);
  row("processing (first record to last)", "processingMs");
  row("wall time (start-up included)", "wallMs");
  row("CPU of the busiest worker", "busiestCpuMs");
  row("  of it from first record to last", "processingCpuMs");
  console.log(
    `  CPU of all workers: 1 worker ${seconds(m(1, "cpuMs"))} s, 2 workers ${seconds(m(2, "cpuMs"))} s; first record ${seconds(m(1, "startMs"))} / ${seconds(m(2, "startMs"))} s after spawning`,
  );
  console.log(`  target ≥ 1.7× on 2 cores; load average after: ${load()}`);
} finally {
  await redis.stop();
  rmSync(directory, { recursive: true, force: true });
}
