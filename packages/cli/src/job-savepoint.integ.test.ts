import {
  generatorSource,
  type JobResult,
  MemoryCheckpointStore,
  pipeline,
  SHARD_END,
  silentLogger,
} from "@eddy/core";
import { eventually, uniqueName } from "@eddy/core/testing";
import { type RedisLeaseStore, redisLeases } from "@eddy/state";
import { afterEach, describe, expect, test } from "vitest";
import { eddy } from "./test-support/captured.ts";

// `eddy savepoint <job> --store redis://…`: a savepoint of a whole job on several workers through
// its lease table on the shared Redis (jobs under unique names, cleared after), with the workers
// in this process.

const URL_ = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const FAST = { leaseDurationMs: 900, failoverTimeMs: 900, pollIntervalMs: 50, assignmentIntervalMs: 200 };

const tables: RedisLeaseStore[] = [];
afterEach(async () => {
  for (const table of tables.splice(0)) {
    await table.clear();
    await table.close();
  }
});

function leaseTable(job: string): RedisLeaseStore {
  const table = redisLeases(URL_, { job });
  tables.push(table);
  return table;
}

/** A worker of `job`: an endless generator in 4 splits into a counter, until it is stopped. */
function worker(job: string, workerId: string, store: MemoryCheckpointStore, written: { count: number }) {
  const leases = leaseTable(job);
  const run = pipeline(job, {
    logger: silentLogger,
    stopOnSignals: false,
    checkpoints: { every: 100, store },
    cluster: { leases, workerId, ...FAST },
  });
  run
    .source(generatorSource({ partitions: 4, batchSize: 20, ratePerSecond: 2_000, generate: (i) => i }))
    .sink({
      name: "counting",
      write(values) {
        written.count += values.length;
      },
    });
  return run.run();
}

describe("eddy savepoint <job> --store", () => {
  test("takes a savepoint of a job on two workers, prints each split's position, and stops them with --stop", async () => {
    const job = uniqueName("cli-job-savepoint");
    const store = new MemoryCheckpointStore();
    const written = { count: 0 };
    const runs: Promise<JobResult>[] = ["a", "b"].map((id) => worker(job, id, store, written));
    const table = leaseTable(job);
    await eventually(
      async () => {
        const { leases } = await table.snapshot();
        return (
          leases.length === 4 &&
          new Set(leases.map((l) => l.leaseOwner)).size === 2 &&
          leases.every((l) => l.checkpoint !== undefined)
        );
      },
      { what: "both workers to read and publish", timeoutMs: 10_000 },
    );

    const taken = await eddy([
      "savepoint",
      job,
      "--store",
      URL_,
      "--name",
      "before-upgrade",
      "--stop",
      "--json",
    ]);
    expect(taken.err).toBe("");
    expect(taken.code).toBe(0);
    const answer = JSON.parse(taken.out) as {
      job: string;
      name: string;
      stopped: boolean;
      leases: { leaseKey: string; checkpoint: string | null }[];
    };
    expect(answer).toMatchObject({ job, name: "before-upgrade", stopped: true });
    expect(answer.leases.map((l) => l.leaseKey)).toEqual([
      "partition-0",
      "partition-1",
      "partition-2",
      "partition-3",
    ]);
    // Each split's position is the one the lease table recorded for the savepoint.
    const saved = await table.readJobSavepoint("before-upgrade");
    expect(answer.leases.map((l) => l.checkpoint)).toEqual(saved!.leases.map((l) => l.checkpoint ?? null));
    expect(answer.leases.every((l) => l.checkpoint !== null && l.checkpoint !== SHARD_END)).toBe(true);
    expect((await Promise.all(runs)).map((r) => r.outcome)).toEqual(["stopped", "stopped"]);

    // Every worker left with the savepoint: a second one is refused at once, in one line.
    const again = await eddy(["savepoint", job, "--store", URL_]);
    expect(again).toEqual({
      code: 1,
      out: "",
      err: `eddy: every worker of job "${job}" in ${URL_} has left: none is running to take a savepoint\n`,
    });
  }, 30_000);

  test("the text answer names the savepoint and lists the splits", async () => {
    const job = uniqueName("cli-job-savepoint-text");
    const store = new MemoryCheckpointStore();
    const written = { count: 0 };
    const run = worker(job, "solo", store, written);
    const table = leaseTable(job);
    await eventually(
      async () => {
        const { leases } = await table.snapshot();
        return leases.length === 4 && leases.every((l) => l.checkpoint !== undefined);
      },
      {
        what: "the worker to publish",
        timeoutMs: 10_000,
      },
    );
    const taken = await eddy(["savepoint", job, "--store", URL_, "--name", "nightly", "--stop"]);
    expect(taken.code).toBe(0);
    const lines = taken.out.split("\n");
    expect(lines[0]).toMatch(
      new RegExp(
        `^savepoint "nightly" of job "${job}" completed \\(request \\d+, 4 splits\\); the workers stop$`,
      ),
    );
    expect(lines[1]).toMatch(/^split\s+position\s+key groups$/);
    expect(lines.slice(2, 6).map((line) => line.split(/\s+/)[0])).toEqual([
      "partition-0",
      "partition-1",
      "partition-2",
      "partition-3",
    ]);
    expect((await run).outcome).toBe("stopped");
  }, 30_000);

  test("failures are one line: an unknown job, a timeout, a store that is not Redis, an unreachable Redis", async () => {
    const unknown = uniqueName("cli-no-such-job");
    leaseTable(unknown);
    expect(await eddy(["savepoint", unknown, "--store", URL_])).toEqual({
      code: 1,
      out: "",
      err: `eddy: job "${unknown}" has no lease table in ${URL_}: no worker of it ran there (check the job name and --store)\n`,
    });

    // A worker that registered and then hung: nobody completes the request.
    const hung = uniqueName("cli-hung-job");
    const table = leaseTable(hung);
    expect((await table.claimWorker({ worker: "ghost", expectedCounter: 0 })).ok).toBe(true);
    // Told the job has 2 stages, the command finds no table of stage 1: refused before anything is asked.
    leaseTable(`${hung}/stage-1`);
    expect(await eddy(["savepoint", hung, "--store", URL_, "--stages", "2"])).toEqual({
      code: 1,
      out: "",
      err: `eddy: job "${hung}/stage-1" has no lease table in ${URL_}: no worker of it ran there (check the job name and --store)\n`,
    });
    expect((await table.readSavepointRequest()) ?? null).toBeNull();
    expect((await eddy(["savepoint", hung, "--store", URL_, "--stages", "0"])).err).toBe(
      "eddy: --stages 0: give the job's number of stages, 1 or more (1 + its repartitions)\n",
    );
    const timedOut = await eddy(["savepoint", hung, "--store", URL_, "--name", "late", "--timeout", "0.3"]);
    expect(timedOut.code).toBe(1);
    expect(timedOut.err).toMatch(
      new RegExp(
        `^eddy: job "${hung}": savepoint "late" \\(request \\d+\\) is still pending: is any worker of the job running\\? \\(0 splits staged\\)\\n$`,
      ),
    );

    expect(await eddy(["savepoint", "x", "--store", "/tmp/checkpoints"])).toEqual({
      code: 2,
      out: "",
      err: "eddy: --store /tmp/checkpoints: a savepoint of the whole job goes through its lease table, which lives in Redis: give redis://<host>:<port>[/<db>]\n",
    });
    expect((await eddy(["savepoint", "--store", URL_])).err).toBe(
      "eddy: savepoint --store: name the job (eddy savepoint <job> --store <url>)\n",
    );
    expect((await eddy(["savepoint", "sp", "--stop"])).err).toBe(
      "eddy: savepoint: --stop, --timeout and --stages apply to a savepoint of the whole job (--store); over HTTP use eddy stop\n",
    );
    const unreachable = await eddy(["savepoint", "x", "--store", "redis://127.0.0.1:1"]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toBe(
      'eddy: redis://127.0.0.1:1 is unreachable: the lease table of job "x" cannot be read\n',
    );
  }, 30_000);
});
