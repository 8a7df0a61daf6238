import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { holderOf, isFinished } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { redisLeases } from "@eddy/state";
import { Redis } from "ioredis";
import { afterAll, beforeAll, expect, test } from "vitest";
import { expectedBoundedCounts } from "./test-support/bounded-clicks.ts";
import { type LocalKinesis, startKinesisLocal } from "./test-support/local-kinesis.ts";
import {
  type IsolatedRedis,
  killAll,
  startIsolatedRedis,
  startWorkerProcess,
  type WorkerProcess,
} from "./test-support/process-workers.ts";

// A job on a bounded input — a generator of clicks in 4 partitions by ip — counts them per page on
// two worker processes, through a repartition stream in kinesis-local. Nobody stops the workers:
// each must end by itself once the input is read and every window written, and exit 0 ("finished"),
// also after one was SIGKILLed mid-run (its replay puts records again after their split's end).
const WORKER = fileURLToPath(new URL("./test-support/bounded-repartition-worker.ts", import.meta.url));
const CLICKS = 1_200;
/** Spread over about 3 s of processing time, so both workers take part before the input ends. */
const CLICKS_PER_SECOND = 400;
/** How long both workers may take, from their start, to end by themselves. */
const END_WITHIN_MS = 30_000;

let kinesis: LocalKinesis;
let isolatedRedis: IsolatedRedis;
let redis: Redis;

beforeAll(async () => {
  [kinesis, isolatedRedis] = await Promise.all([startKinesisLocal(), startIsolatedRedis()]);
  redis = new Redis(isolatedRedis.url);
}, 60_000);

afterAll(async () => {
  redis?.disconnect();
  isolatedRedis?.stop();
  await kinesis?.stop();
});

/**
 * Runs the job on workers w0 and w1 until both exit by themselves; with `kill`, w0 is SIGKILLed
 * once both read the input, and started again with its id. Checks both exit 0 ("finished"), every
 * window is exact and every lease of both stages is finished; returns how long it took.
 */
async function runToTheEnd(options: { kill: boolean }): Promise<number> {
  const job = `bounded-${randomUUID().slice(0, 8)}`;
  const results = `${job}:results`;
  const stage0 = redisLeases(isolatedRedis.url, { job });
  const stage1 = redisLeases(isolatedRedis.url, { job: `${job}/stage-1` });
  const workers = new Map<string, WorkerProcess>();
  const killed: string[] = [];
  const start = (id: string) =>
    workers.set(
      id,
      startWorkerProcess(WORKER, [
        kinesis.endpoint,
        isolatedRedis.url,
        job,
        results,
        id,
        String(CLICKS),
        String(CLICKS_PER_SECOND),
      ]),
    );
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), END_WITHIN_MS);
  });
  try {
    for (const id of ["w0", "w1"]) start(id);
    if (options.kill) {
      const holders = async () => new Set((await stage0.snapshot()).leases.map((l) => holderOf(l)));
      await eventually(async () => (await holders()).has("w0") && (await holders()).has("w1"), {
        what: "both workers to read the input",
        timeoutMs: END_WITHIN_MS,
        intervalMs: 100,
      });
      const victim = workers.get("w0")!;
      victim.child.kill("SIGKILL");
      const { signal, output } = await victim.exit;
      expect(signal).toBe("SIGKILL");
      killed.push(`--- w0 (killed)\n${output}`);
      start("w0");
    }
    const exits = await Promise.race([Promise.all([...workers.values()].map((w) => w.exit)), timedOut]);
    if (exits === "timed out")
      throw new Error(`the workers did not exit by themselves within ${END_WITHIN_MS} ms`);
    const took = performance.now() - started;
    expect(exits.map(({ code, signal }) => ({ code, signal }))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    for (const { output } of exits) {
      expect(output).toContain("outcome: finished");
      // Each took part: it read splits of the input or shards of the repartition stream.
      expect(output).toMatch(/"w\d" reads /);
    }
    expect(await redis.hgetall(results)).toEqual(expectedBoundedCounts(CLICKS));
    const leases = [...(await stage0.snapshot()).leases, ...(await stage1.snapshot()).leases];
    expect(leases.map((l) => [l.leaseKey, isFinished(l)]).filter(([, finished]) => !finished)).toEqual([]);
    expect(leases).toHaveLength(6);
    return took;
  } catch (error) {
    const holders = (await stage1.snapshot()).leases.map((l) => `${l.leaseKey}: ${holderOf(l) ?? "-"}`);
    throw new Error(
      `${(error as Error).message}\nstage-1 leases: ${holders.join(", ")}\n${killed.join("\n")}\n${await killAll(workers)}`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    await stage0.close();
    await stage1.close();
  }
}

test("two worker processes of a repartitioned job on a bounded input exit 0 by themselves, having written exactly the per-page counts", async () => {
  const took = await runToTheEnd({ kill: false });
  console.log(`both workers exited by themselves ${Math.round(took)} ms after they started`);
}, 60_000);

test("also when a worker is SIGKILLed while it reads the input and started again", async () => {
  const took = await runToTheEnd({ kill: true });
  console.log(`both workers exited by themselves ${Math.round(took)} ms after they started (one killed)`);
}, 60_000);
