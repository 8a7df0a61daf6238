import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemoryLeaseStore } from "@eddy/core";
import { afterAll, describe, expect, test } from "vitest";
import { superviseWorkers } from "./supervisor.ts";

const root = mkdtempSync(join(tmpdir(), "eddy-supervisor-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let scripts = 0;

/** A worker script in a directory of its own; `body` sees `id` (its worker id) and `dir`. */
function workerScript(body: string): string {
  const dir = join(root, String(scripts++));
  mkdirSync(dir);
  const script = join(dir, "worker.mjs");
  writeFileSync(
    script,
    `import { existsSync, writeFileSync } from "node:fs";\nconst id = process.env.EDDY_SUPERVISED_WORKER_ID;\nconst dir = ${JSON.stringify(dir)};\n${body}\n`,
  );
  return script;
}

/** Supervises one worker of `script` per id, with fast restarts; how it ended and what it printed. */
async function supervise(script: string, workerIds: string[], leases = new MemoryLeaseStore()) {
  const lines: string[] = [];
  const ended = await superviseWorkers({
    workerIds,
    leases,
    servesLeases: true,
    script,
    args: [],
    print: (line) => lines.push(line),
    timing: { restartDelayMs: 50, maxRestartDelayMs: 200, holdingsEveryMs: 50 },
  });
  return { ended, lines };
}

describe("superviseWorkers", () => {
  test("restarts a worker that dies with the same id, and ends once every worker finished", async () => {
    // Each worker dies at its first start and finishes at its second.
    const script = workerScript(`
      const marker = dir + "/" + id;
      if (!existsSync(marker)) { writeFileSync(marker, "started"); process.exit(1); }
      process.exit(0);`);
    const { ended, lines } = await supervise(script, ["host-0", "host-1"]);
    expect(ended).toEqual({ outcome: "finished" });
    for (const id of ["host-0", "host-1"]) {
      expect(lines.filter((l) => l.startsWith(`worker ${id} started`))).toHaveLength(2);
      expect(lines).toContainEqual(
        expect.stringMatching(
          new RegExp(`^worker ${id} \\(pid \\d+\\) died \\(exit status 1\\): restarting it in 0.05 s$`),
        ),
      );
      expect(lines).toContain(`worker ${id} finished`);
    }
  });

  test("a worker's configuration error stops the others and ends the run with it", async () => {
    const script = workerScript(`
      if (id === "host-0") process.send({ type: "eddy:config-error", message: "the job cannot run on several workers" }, () => process.exit(2));
      else setInterval(() => {}, 1000); // runs until told to stop`);
    const { ended } = await supervise(script, ["host-0", "host-1"]);
    expect(ended).toEqual({ outcome: "config-error", message: "the job cannot run on several workers" });
  });

  test("serves the lease table to its workers over IPC, and a table of its own to each further stage", async () => {
    const leases = new MemoryLeaseStore();
    const script = workerScript(`
      const call = (id, table, method, args) => new Promise((resolve) => {
        const onReply = (m) => { if (m.id === id) { process.off("message", onReply); resolve(m); } };
        process.on("message", onReply);
        process.send({ type: "eddy:lease-call", id, table, method, args });
      });
      const created = await call(1, 0, "createLease", [{ leaseKey: "from-" + id }]);
      const staged = await call(2, 1, "createLease", [{ leaseKey: "stage-1-of-" + id }]);
      const inStage = await call(3, 1, "readLease", ["stage-1-of-" + id]);
      const inJob = await call(4, 0, "readLease", ["stage-1-of-" + id]);
      const jobInStage = await call(5, 1, "readLease", ["from-" + id]);
      const ok = created.ok && created.value.ok && staged.ok && staged.value.ok && inStage.value !== undefined;
      process.exit(ok && inJob.value === undefined && jobInStage.value === undefined ? 0 : 1);`);
    const { ended, lines } = await supervise(script, ["host-0"], leases);
    expect(ended).toEqual({ outcome: "finished" });
    // Who holds what, for each table: stage 1's lease is nobody's.
    expect(lines).toContain("stage 1 leases: unheld stage-1-of-host-0");
    expect((await leases.readLease("from-host-0"))?.leaseOwner).toBeUndefined();
    expect(await leases.readLease("from-host-0")).toBeDefined();
    // Stage 1's lease is in a table of its own, not in the job's.
    expect((await leases.snapshot()).leases.map((l) => l.leaseKey)).toEqual(["from-host-0"]);
  });
});
