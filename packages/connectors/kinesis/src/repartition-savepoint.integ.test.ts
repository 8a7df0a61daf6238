import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { holderOf, isFinished, SHARD_END } from "@eddy/core";
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

// `eddy savepoint <job> --store redis://… --stop` on a job with a repartition, run by two worker
// processes through kinesis-local and Redis: the command finds the job's stage tables, takes the
// savepoint on every stage and stops every worker mid-run; two new workers started from it run the
// bounded input to its end, and every window count is exact.
const WORKER = fileURLToPath(new URL("./test-support/bounded-repartition-worker.ts", import.meta.url));
const EDDY = fileURLToPath(new URL("../../../cli/src/bin.ts", import.meta.url));
const CLICKS = 2_400;
/** About 12 s of input, so the savepoints (each command a process of its own) fall mid-run. */
const CLICKS_PER_SECOND = 200;

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

interface SavepointAnswer {
  readonly job: string;
  readonly name: string;
  readonly stopped: boolean;
  readonly stages: readonly {
    readonly stage: number;
    readonly table: string;
    readonly leases: readonly { readonly leaseKey: string; readonly checkpoint: string | null }[];
  }[];
}

test("eddy savepoint --stop takes a savepoint of every stage of a repartitioned job on two worker processes; restarted from it, every window is exact", async () => {
  const job = `savepoint-${randomUUID().slice(0, 8)}`;
  const results = `${job}:results`;
  const stage0 = redisLeases(isolatedRedis.url, { job });
  const stage1 = redisLeases(isolatedRedis.url, { job: `${job}/stage-1` });
  const workers = new Map<string, WorkerProcess>();
  const start = (id: string, savepoint?: string) =>
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
        ...(savepoint === undefined ? [] : [savepoint]),
      ]),
    );
  const started = performance.now();
  try {
    for (const id of ["w0", "w1"]) start(id);
    await eventually(
      async () => {
        const [upstream, downstream] = await Promise.all([stage0.snapshot(), stage1.snapshot()]);
        return (
          new Set(upstream.leases.map(holderOf)).size === 2 &&
          upstream.leases.every((l) => l.checkpoint !== undefined) &&
          downstream.leases.length === 2 &&
          downstream.leases.every((l) => l.checkpoint !== undefined)
        );
      },
      { what: "both workers to read and publish in both stages", timeoutMs: 20_000, intervalMs: 100 },
    );
    const runningAt = performance.now();
    // Without --stop, in text: every stage's splits are listed, and the workers go on.
    const first = await startWorkerProcess(EDDY, [
      "savepoint",
      job,
      "--store",
      isolatedRedis.url,
      "--name",
      "first",
    ]).exit;
    expect({ code: first.code, output: first.output }).toMatchObject({ code: 0 });
    const lines = first.output.trimEnd().split("\n");
    expect(lines[0]).toMatch(
      new RegExp(
        `^savepoint "first" of job "${job}" completed on its 2 stages \\(stage 0: request \\d+, 4 splits; stage 1: request \\d+, 2 splits\\)$`,
      ),
    );
    expect(lines[1]).toMatch(/^stage\s+split\s+position\s+key groups$/);
    expect(lines.slice(2).map((line) => line.trim().split(/\s+/)[0])).toEqual(["0", "0", "0", "0", "1", "1"]);
    for (const id of ["w0", "w1"]) expect([id, workers.get(id)!.child.exitCode]).toEqual([id, null]);

    const eddy = startWorkerProcess(EDDY, [
      "savepoint",
      job,
      "--store",
      isolatedRedis.url,
      "--name",
      "mid-run",
      "--stop",
      "--json",
    ]);
    const taken = await eddy.exit;
    expect({ code: taken.code, output: taken.output }).toMatchObject({ code: 0 });
    const answer = JSON.parse(taken.output) as SavepointAnswer;
    expect(answer).toMatchObject({ job, name: "mid-run", stopped: true });
    expect(answer.stages.map((s) => [s.stage, s.table, s.leases.map((l) => l.leaseKey).sort()])).toEqual([
      [0, job, ["partition-0", "partition-1", "partition-2", "partition-3"]],
      [1, `${job}/stage-1`, answer.stages[1]!.leases.map((l) => l.leaseKey).sort()],
    ]);
    expect(answer.stages[1]!.leases).toHaveLength(2);
    // Each stage's positions are the ones its own table recorded for the savepoint.
    for (const [stage, table] of [stage0, stage1].entries()) {
      const saved = await table.readJobSavepoint("mid-run");
      expect(answer.stages[stage]!.leases.map((l) => l.checkpoint)).toEqual(
        saved!.leases.map((l) => l.checkpoint ?? null),
      );
    }
    // Mid-run: no split of the input read to its end.
    expect(answer.stages[0]!.leases.every((l) => l.checkpoint !== SHARD_END)).toBe(true);
    // --stop stopped every worker (both stages): each ends "stopped" (exit 3).
    for (const id of ["w0", "w1"]) {
      const { code, output } = await workers.get(id)!.exit;
      expect([id, code, output.includes("outcome: stopped")]).toEqual([id, 3, true]);
    }
    const stoppedAt = performance.now();
    expect(Object.keys(await redis.hgetall(results)).length).toBeLessThan(
      Object.keys(expectedBoundedCounts(CLICKS)).length,
    );

    for (const id of ["w2", "w3"]) start(id, "mid-run");
    const exits = await Promise.all(["w2", "w3"].map((id) => workers.get(id)!.exit));
    expect(exits.map(({ code, signal }) => ({ code, signal }))).toEqual([
      { code: 0, signal: null },
      { code: 0, signal: null },
    ]);
    expect(await redis.hgetall(results)).toEqual(expectedBoundedCounts(CLICKS));
    const leases = [...(await stage0.snapshot()).leases, ...(await stage1.snapshot()).leases];
    expect(leases.filter((l) => !isFinished(l)).map((l) => l.leaseKey)).toEqual([]);
    console.log(
      `both stages published ${Math.round(runningAt - started)} ms after the start, both savepoints taken and the workers stopped ${Math.round(stoppedAt - runningAt)} ms later; the restored run took ${Math.round(performance.now() - stoppedAt)} ms`,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\n${await killAll(workers)}`, { cause: error });
  } finally {
    for (const worker of workers.values()) worker.child.kill("SIGKILL");
    await stage0.close();
    await stage1.close();
  }
}, 60_000);
