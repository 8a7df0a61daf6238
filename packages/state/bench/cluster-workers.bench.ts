/**
 * One job on 1 and on 2 worker processes: the cluster crash test's job (a generator in 8
 * partitions by key, keyed one-second windows, checkpoints every 100 ms to Redis published
 * through Redis leases, an idempotent Redis sink), unpaced, RECORDS records. Prints the wall time
 * from spawning the workers until the last exits (start-up included: about a second of tsx per
 * process), the median of RUNS runs each, and the ratio of 1 to 2 workers. Measured, never
 * asserted; the target on a 2-core machine is ≥ 1.7×.
 *
 * The generator partitioned by key generates every record in each partition and keeps its own,
 * so each worker generates (partitions it reads) × RECORDS records: generating is part of what is
 * shared out.
 *
 *   ./node_modules/.bin/tsx packages/state/bench/cluster-workers.bench.ts [records] [runs]
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { startRedisServer } from "../src/test-support/redis-server.ts";

const RECORDS = Number(process.argv[2] ?? 400_000);
const RUNS = Number(process.argv[3] ?? 3);
const WORKER = fileURLToPath(new URL("../test/cluster-worker.ts", import.meta.url));
const UNPACED = 1e9;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

function worker(url: string, job: string, id: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", WORKER, url, job, `${job}:results`, String(RECORDS), String(UNPACED), id],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) =>
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`worker ${id} exited with ${code}: ${stderr}`)),
    ),
  );
}

async function timed(url: string, workers: number): Promise<number> {
  const job = `bench-${randomUUID()}`;
  const started = performance.now();
  await Promise.all(Array.from({ length: workers }, (_, i) => worker(url, job, `w${i}`)));
  return performance.now() - started;
}

const redis = await startRedisServer();
try {
  const figures = new Map<number, number[]>([
    [1, []],
    [2, []],
  ]);
  // Alternate, so that load from other processes on the machine falls on both alike.
  for (let run = 0; run < RUNS; run++) {
    for (const workers of [1, 2]) figures.get(workers)!.push(await timed(redis.url, workers));
  }
  const one = median(figures.get(1)!);
  const two = median(figures.get(2)!);
  console.log(
    `cluster job, ${RECORDS} records, 8 partitions, median of ${RUNS} runs (wall time, start-up included):`,
  );
  console.log(
    `  1 worker:  ${(one / 1000).toFixed(2)} s  (${figures
      .get(1)!
      .map((t) => (t / 1000).toFixed(2))
      .join(", ")})`,
  );
  console.log(
    `  2 workers: ${(two / 1000).toFixed(2)} s  (${figures
      .get(2)!
      .map((t) => (t / 1000).toFixed(2))
      .join(", ")})`,
  );
  console.log(`  speed-up: ${(one / two).toFixed(2)}× (target ≥ 1.7× on 2 cores)`);
} finally {
  await redis.stop();
}
