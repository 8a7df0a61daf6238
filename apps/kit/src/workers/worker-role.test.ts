import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLeaseStore } from "@eddy/core";
import { describe, expect, test } from "vitest";
import { SettingsError } from "../settings.ts";
import { describeHoldings } from "./supervisor.ts";
import { SUPERVISED_WORKER_ENV, workerRoleOf } from "./worker-role.ts";
import { claimWorkerIds, releaseWorkerIds } from "./worker-slots.ts";

const alone = { workers: undefined, cluster: false, workerId: undefined, fresh: false };
const slots = () => mkdtempSync(join(tmpdir(), "eddy-slots-"));
const where = (env: Record<string, string> = {}, hasParent = false) => ({ env, hasParent, slots: slots() });

/** A pid no process has: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", "0"]).pid!;
}

describe("claimWorkerIds", () => {
  test("gives the lowest slots no live process holds, and frees them again", () => {
    const directory = slots();
    expect(claimWorkerIds(directory, 2, "host")).toEqual(["host-0", "host-1"]);
    expect(readFileSync(join(directory, "0.pid"), "utf8")).toBe(String(process.pid));
    // Slots this process holds are not given twice.
    expect(claimWorkerIds(directory, 1, "host")).toEqual(["host-2"]);
    releaseWorkerIds();
    expect(claimWorkerIds(directory, 1, "host")).toEqual(["host-0"]);
    releaseWorkerIds();
  });

  test("skips a slot a live process holds and takes back one whose process died", () => {
    const directory = slots();
    writeFileSync(join(directory, "0.pid"), String(process.ppid));
    writeFileSync(join(directory, "1.pid"), String(deadPid()));
    expect(claimWorkerIds(directory, 1, "host")).toEqual(["host-1"]);
    releaseWorkerIds();
  });
});

describe("workerRoleOf", () => {
  test("one process without --workers, --cluster or --worker-id", () => {
    expect(workerRoleOf(alone, "redis://127.0.0.1:6379", where())).toEqual({ kind: "single" });
  });

  test("--workers N supervises N workers; leases in Redis when the checkpoints are there, else its own", () => {
    const local = workerRoleOf({ ...alone, workers: 2 }, "/tmp/checkpoints", where());
    expect(local).toMatchObject({ kind: "supervisor", leases: { kind: "supervisor" } });
    expect(local.kind === "supervisor" && local.workerIds).toHaveLength(2);
    expect(workerRoleOf({ ...alone, workers: 3 }, "redis://r:6379", where())).toMatchObject({
      kind: "supervisor",
      leases: { kind: "redis", url: "redis://r:6379" },
    });
  });

  test("a supervised worker is the worker its supervisor named, whatever its flags", () => {
    const env = { [SUPERVISED_WORKER_ENV]: "host-1" };
    expect(workerRoleOf({ ...alone, workers: 2 }, "/tmp/c", where(env, true))).toEqual({
      kind: "worker",
      workerId: "host-1",
      supervised: true,
      leases: { kind: "supervisor" },
    });
    // Without an IPC channel the variable alone makes no worker.
    expect(workerRoleOf(alone, "/tmp/c", where(env, false))).toEqual({ kind: "single" });
  });

  test("--cluster and --worker-id make a worker whose leases are in Redis", () => {
    expect(workerRoleOf({ ...alone, workerId: "pod-3" }, "redis://r:6379", where())).toEqual({
      kind: "worker",
      workerId: "pod-3",
      supervised: false,
      leases: { kind: "redis", url: "redis://r:6379" },
    });
    const role = workerRoleOf({ ...alone, cluster: true }, "redis://r:6379", where());
    expect(role.kind === "worker" && role.workerId).toMatch(/-0$/);
    releaseWorkerIds();
  });

  test.each([
    [{ ...alone, workers: 2 }, "memory", /needs checkpoints they share/],
    [{ ...alone, workers: 2 }, "none", /needs checkpoints they share/],
    [{ ...alone, cluster: true }, "/tmp/c", /share their leases through Redis/],
    [{ ...alone, cluster: true }, "s3://bucket/prefix", /share their leases through Redis/],
    [{ ...alone, workers: 2, workerId: "a" }, "/tmp/c", /leave --worker-id out/],
    [{ ...alone, cluster: true, fresh: true }, "redis://r:6379", /another --job name/],
  ])("refuses %o with checkpoints %s in one line", (settings, checkpoints, message) => {
    const attempt = () => workerRoleOf(settings, checkpoints, where());
    expect(attempt).toThrow(SettingsError);
    expect(attempt).toThrow(message);
  });
});

describe("describeHoldings", () => {
  test("each live worker's leases, the leader, what nobody holds and what is finished", async () => {
    const store = new MemoryLeaseStore();
    for (const leaseKey of ["p-0", "p-1", "p-2", "p-3"]) await store.createLease({ leaseKey });
    const a = await store.claimWorker({ worker: "a", expectedCounter: 0 });
    await store.claimWorker({ worker: "b", expectedCounter: 0 });
    await store.acquireLeadership({ worker: "a", expectedCounter: 0 });
    const incarnation = a.ok ? a.worker.incarnation : 0;
    const p0 = await store.takeLease("p-0", { worker: "a", incarnation, expectedCounter: 0 });
    await store.takeLease("p-1", { worker: "a", incarnation, expectedCounter: 0 });
    if (p0.ok) {
      await store.releaseLease("p-0", {
        worker: "a",
        expectedCounter: p0.lease.leaseCounter,
        checkpoint: "SHARD_END",
      });
    }
    expect(describeHoldings(await store.snapshot())).toBe(
      "leases: a (leader) p-1 · b — · unheld p-2 p-3 · 1 finished",
    );
  });

  test("an empty table", async () => {
    expect(describeHoldings(await new MemoryLeaseStore().snapshot())).toBe("leases: none yet");
  });
});
