import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually } from "@eddy/core/testing";
import { freePort, type LocalRedis, startLocalRedis } from "@eddy/local-stack";
import { startApp, whileRunning } from "@eddy/local-stack/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const APP = new URL("../testing/window-counts-app.ts", import.meta.url).pathname;
const FX_APP = new URL("../../../fx-pricing/src/main.ts", import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), "eddy-workers-"));
// Tens of thousands of files (windows and checkpoints of every run): slow on a busy machine.
afterAll(() => rm(root, { recursive: true, force: true }), 300_000);

/** Every file the app's idempotent sink wrote (one per key and window), with its content. */
function windowFiles(out: string): Map<string, string> {
  // A worker SIGKILLed mid-write may leave its temporary file: not output.
  const names = readdirSync(out).filter((name) => !name.endsWith(".tmp"));
  return new Map(names.map((name) => [name, readFileSync(join(out, name), "utf8")]));
}

/**
 * Runs the window-counts app with `args` under a job and directories of its own (checkpoints in
 * `checkpoints`, by default a directory).
 */
function windowCounts(run: string, args: readonly string[], checkpoints = join(root, run, "checkpoints")) {
  const out = join(root, run, "out");
  const app = startApp(APP, {}, [
    "--job",
    `window-counts-${run}`,
    "--checkpoints",
    checkpoints,
    "--out",
    out,
    "--checkpoint-every",
    "300ms",
    // The default failover time. A worker that loses its leases to a stall of a loaded machine
    // and takes them back has been seen to emit windows again from partial state, with Redis
    // leases as with the supervisor's: an open fault of the cluster run, not of what these
    // tests check. At 10 s the stalls of a busy test machine do not cost leases.
    "--failover-time",
    "10s",
    "--progress",
    "off",
    "--log-level",
    "warn",
    ...args,
  ]);
  return { app, out };
}

const EVENTS = ["--events", "24000"];

describe("--workers N runs one job on N worker processes", () => {
  let baseline: Map<string, string>;

  test("--workers 1 writes every window once", { timeout: 120_000 }, async () => {
    const { app, out } = windowCounts("one", [...EVENTS, "--rate", "6000", "--workers", "1"]);
    expect(await app.exited, app.output()).toBe(0);
    expect(app.output()).toContain("finished: the input has ended");
    baseline = windowFiles(out);
    // 40 keys, 240 s of event time in one-second windows.
    expect(baseline.size).toBe(40 * 240);
  });

  test("--workers 2 writes exactly the windows of --workers 1", { timeout: 120_000 }, async () => {
    const { app, out } = windowCounts("two", [...EVENTS, "--rate", "6000", "--workers", "2"]);
    expect(await app.exited, app.output()).toBe(0);
    // Both workers held splits at some point: the job really ran on two processes.
    expect(app.output()).toMatch(
      /leases: \S+-0 (\(leader\) )?partition-\S+.* · \S+-1 (\(leader\) )?partition-/,
    );
    expect(windowFiles(out)).toEqual(baseline);
  });

  test("a worker SIGKILLed mid-run is restarted, and the windows are still those of --workers 1", {
    timeout: 180_000,
  }, async () => {
    const metricsPort = await freePort();
    const { app, out } = windowCounts("killed", [
      ...EVENTS,
      ...["--rate", "1500", "--workers", "2", "--metrics-port", String(metricsPort)],
    ]);
    // The pid of the worker's latest start.
    const pidOf = (slot: number) =>
      Number(
        [...app.output().matchAll(new RegExp(`worker \\S+-${slot} started \\(pid (\\d+)\\)`, "g"))].at(
          -1,
        )?.[1],
      );
    await eventually(
      async () => /· \S+-1 (\(leader\) )?partition-/.test(app.output()) && readdirSync(out).length > 400,
      whileRunning(app, "worker 1 holding splits and windows written", 90_000),
    );
    // Worker 0's metrics (on the port given; worker 1's on the next) show the whole job's leases.
    let metrics = "";
    await eventually(
      async () => {
        metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        return /^eddy_cluster_lease_holder\{[^}]*worker="\S+-1"\} 1$/m.test(metrics);
      },
      whileRunning(app, "worker 0's metrics showing a lease of worker 1", 30_000),
    );
    expect(metrics).toContain('eddy_cluster_workers{job_name="window-counts-killed"} 2');
    expect(metrics).toMatch(/^eddy_cluster_leader\{[^}]*worker="\S+-[01]"\} 1$/m);
    const victim = pidOf(1);
    process.kill(victim, "SIGKILL");
    await eventually(
      async () =>
        /worker \S+-1 \(pid \d+\) died \(SIGKILL\): restarting it/.test(app.output()) && pidOf(1) !== victim,
      whileRunning(app, "the supervisor restarting worker 1", 30_000),
    );
    // The restarted worker started again under the same id.
    expect([...app.output().matchAll(/worker (\S+-1) started/g)].map((m) => m[1])).toHaveLength(2);
    expect(await app.exited, app.output()).toBe(0);
    expect(windowFiles(out)).toEqual(baseline);
  });

  describe("with Redis", () => {
    let redis: LocalRedis;
    beforeAll(async () => {
      redis = await startLocalRedis();
    });
    afterAll(() => redis?.stop());

    test("the same command started twice with --cluster is one job", { timeout: 120_000 }, async () => {
      const args = [...EVENTS, "--rate", "2000", "--cluster"];
      const first = windowCounts("redis", args, redis.url);
      await eventually(
        async () => /worker \S+-0 of the job, leases in redis/.test(first.app.output()),
        whileRunning(first.app, "the first worker starting", 60_000),
      );
      const second = windowCounts("redis", args, redis.url);
      expect(await first.app.exited, first.app.output()).toBe(0);
      expect(await second.app.exited, second.app.output()).toBe(0);
      // Each took the next free slot of this machine: two workers of one job.
      expect(second.app.output()).toMatch(/worker \S+-1 of the job/);
      expect(windowFiles(first.out)).toEqual(baseline);
    });
  });
});

describe("--workers refuses what cannot work, in one line", () => {
  test("--workers 0", async () => {
    const app = startApp(APP, {}, ["--workers", "0"]);
    expect(await app.exited).toBe(2);
    expect(app.output().trim()).toBe('--workers="0": must be a whole number >= 1');
  });

  test("--workers with checkpoints that stay in one process", async () => {
    const app = startApp(APP, {}, ["--workers", "2", "--checkpoints", "memory"]);
    expect(await app.exited).toBe(2);
    expect(app.output().trim()).toMatch(
      /^a job on several workers needs checkpoints they share: .* instead of memory$/,
    );
  });

  test("--cluster without Redis", async () => {
    const app = startApp(APP, {}, ["--cluster", "--checkpoints", join(root, "alone")]);
    expect(await app.exited).toBe(2);
    expect(app.output().trim()).toMatch(/^workers started on their own share their leases through Redis: /);
  });

  test("--workers 2 of a job whose keyed operators are not co-partitioned with its source", {
    timeout: 90_000,
  }, async () => {
    // The FX app's typed pipeline is co-partitioned; its SQL one (--sql) keys rows the SQL planner
    // made from the ticks, which the runtime cannot show to be partitioned as the source: on
    // workers the kit gives it its repartitions, but its second keyed operator reads the first's
    // output (a chain), which a job cannot repartition yet.
    const app = startApp(FX_APP, {}, [
      "--sql",
      "--workers",
      "2",
      "--sinks",
      "console",
      "--checkpoints",
      join(root, "fx", "checkpoints"),
      "--ticks",
      "100",
      "--progress",
      "off",
    ]);
    expect(await app.exited, app.output()).toBe(2);
    const refusals = app
      .output()
      .split("\n")
      .filter((line) => line.includes("runs on several workers"));
    expect(refusals).toHaveLength(1);
    expect(refusals[0]).toMatch(
      /, but keyed operator "\S+" \(after "\S+"\) needs its own after another's: a chain of repartitions is not supported yet$/,
    );
    expect(app.output()).not.toMatch(/^\s+at /m);
  });
});
