import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { blobRefsOf, CheckpointBuilder, uniqueName } from "@eddy/core/testing";
import { fileCheckpoints } from "@eddy/state";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { eddy } from "./test-support/captured.ts";

const ALL_FULL = { 0: "full", 1: "full", 2: "full", 3: "full" } as const;
let directory: string;
beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "eddy-cli-"));
});
afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** A directory store holding three checkpoints and a savepoint of a job of its own. */
async function storeWithJob() {
  const root = join(directory, uniqueName("store"));
  const store = fileCheckpoints(root, { fsync: false });
  const builder = new CheckpointBuilder(uniqueName("fx-pricing"));
  const taken = [
    builder.next(1, ALL_FULL),
    builder.next(2, ALL_FULL, { kind: "savepoint", name: "before-upgrade" }),
    builder.next(3, { 0: "delta", 1: "full" }),
    builder.next(4, { 0: "delta" }),
  ];
  for (const checkpoint of taken) await store.commit(checkpoint, 10);
  return { root, store, job: builder.job, taken };
}

describe("eddy checkpoints on a directory store", () => {
  test("list: every job, then one job's checkpoints as a table and as JSON", async () => {
    const { root, job, taken } = await storeWithJob();
    const jobs = await eddy(["checkpoints", "list", "--store", root]);
    expect(jobs).toMatchObject({ code: 0, err: "" });
    expect(jobs.out.split("\n")[0]).toMatch(/^JOB\s+CHECKPOINTS\s+LATEST\s+COMPLETED\s+SAVEPOINTS$/);
    expect(jobs.out).toMatch(new RegExp(`^${job}\\s+4\\s+4\\s+1970-01-01T00:00:04Z\\s+1$`, "m"));

    const table = await eddy(["checkpoints", "list", job, "--store", root]);
    expect(table.code).toBe(0);
    const rows = table.out
      .trim()
      .split("\n")
      .map((row) => row.trim());
    expect(rows[0]).toMatch(/^ID\s+KIND\s+NAME\s+COMPLETED\s+BLOBS\s+SIZE$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/).slice(0, 3))).toEqual([
      ["4", "checkpoint", "-"],
      ["3", "checkpoint", "-"],
      ["2", "savepoint", "before-upgrade"],
      ["1", "checkpoint", "-"],
    ]);

    const listed = await eddy(["checkpoints", "list", job, "--store", root, "--json"]);
    const parsed = JSON.parse(listed.out) as { checkpointId: number; blobs: number; bytes: number }[];
    const latest = taken[3]!.manifest;
    expect(parsed[0]).toEqual({
      checkpointId: 4,
      kind: "checkpoint",
      completedAt: latest.completedAt,
      keyGroups: 4,
      blobs: blobRefsOf(latest).length,
      bytes: blobRefsOf(latest).reduce((n, ref) => n + ref.size, 0),
    });
  });

  test("show: the latest or a given checkpoint; --json prints the manifest", async () => {
    const { root, job, taken } = await storeWithJob();
    const shown = await eddy(["checkpoints", "show", job, "--store", root]);
    expect(shown.code).toBe(0);
    expect(shown.out).toMatch(/^checkpoint {3}4$/m);
    // Group 0 chains two deltas on the savepoint's full blob; the others are full blobs alone.
    expect(shown.out).toMatch(/^op\s+4\s+1\s+174 B$/m);
    expect(shown.out).toMatch(/^state {8}8 blobs, 180 B$/m);
    const manifest = await eddy(["checkpoints", "show", job, "2", "--store", root, "--json"]);
    expect(JSON.parse(manifest.out)).toEqual(JSON.parse(JSON.stringify(taken[1]!.manifest)));
    const missing = await eddy(["checkpoints", "show", job, "9", "--store", root]);
    expect(missing).toEqual({
      code: 1,
      out: "",
      err: `eddy: job "${job}" has no checkpoint 9 in file://${root} (retained: 4, 3, 2, 1)\n`,
    });
  });

  test("delete: frees what only the deleted checkpoints held, refuses the latest without --force", async () => {
    const { root, store, job, taken } = await storeWithJob();
    const deleted = await eddy(["checkpoints", "delete", job, "1", "3", "--store", root]);
    expect(deleted).toEqual({
      code: 0,
      out: `deleted checkpoint 1 of job "${job}"\ndeleted checkpoint 3 of job "${job}"\n`,
      err: "",
    });
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([4, 2]);
    // Checkpoint 4's chain of group 0 runs through checkpoint 3's delta; checkpoint 1 held its own operator blob.
    for (const ref of blobRefsOf(taken[3]!.manifest)) await store.readBlob(ref);
    await expect(store.readBlob(taken[0]!.manifest.operators.op!.operator!)).rejects.toThrow(/missing/);

    const refused = await eddy(["checkpoints", "delete", job, "4", "--store", root]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(
      /^eddy: checkpoint 4 is the latest of job ".*": a restart resumes from it;.*--force.*\n$/,
    );
    expect(refused.err.split("\n")).toHaveLength(2);
    expect((await eddy(["checkpoints", "delete", job, "4", "--force", "--store", root])).code).toBe(0);
    expect((await store.checkpoints(job)).map((m) => m.checkpointId)).toEqual([2]);

    const unknown = await eddy(["checkpoints", "delete", job, "7", "--store", root]);
    expect(unknown).toMatchObject({
      code: 1,
      err: `eddy: job "${job}" has no checkpoint 7 in file://${root}\n`,
    });
  });

  test("the store comes from EDDY_CHECKPOINTS when --store is not given", async () => {
    const { root, job } = await storeWithJob();
    const listed = await eddy(["checkpoints", "list", job, "--json"], { EDDY_CHECKPOINTS: root });
    expect((JSON.parse(listed.out) as unknown[]).length).toBe(4);
  });
});

describe("eddy savepoints on a directory store", () => {
  test("list and delete by name; the checkpoints that chain on the savepoint stay whole", async () => {
    const { root, store, job, taken } = await storeWithJob();
    const listed = await eddy(["savepoints", "list", job, "--store", root]);
    expect(
      listed.out
        .trim()
        .split("\n")
        .slice(1)
        .map((row) => row.trim()),
    ).toEqual([expect.stringMatching(/^2\s+savepoint\s+before-upgrade\s/)]);
    const deleted = await eddy(["savepoints", "delete", job, "before-upgrade", "--store", root]);
    expect(deleted).toEqual({
      code: 0,
      out: `deleted savepoint "before-upgrade" of job "${job}"\n`,
      err: "",
    });
    expect(await store.savepoints(job)).toEqual([]);
    for (const checkpoint of taken.slice(1))
      for (const ref of blobRefsOf(checkpoint.manifest)) await store.readBlob(ref);
    const again = await eddy(["savepoints", "delete", job, "before-upgrade", "--store", root]);
    expect(again.err).toBe(`eddy: job "${job}" has no savepoint "before-upgrade" in file://${root}\n`);
    expect(again.code).toBe(1);
  });
});

describe("usage errors: one line, exit code 2", () => {
  test.each([
    [
      ["checkpoints", "list"],
      "eddy: required option '--store <url>' not specified (see eddy checkpoints list --help)\n",
    ],
    [
      ["checkpoints", "list", "--store", "gs://bucket/x"],
      "eddy: --store gs://bucket/x: gs:// is not a checkpoint store: give a directory, s3://<bucket>/<prefix>, redis://<host>:<port>, memory or none\n",
    ],
    [
      ["checkpoints", "list", "--store", "memory"],
      "eddy: --store memory names no stored checkpoints: give redis://<host>:<port>[/<db>], s3://<bucket>/<prefix> or a directory\n",
    ],
    [
      ["checkpoints", "delete", "job", "seven", "--store", "."],
      `eddy: command-argument value 'seven' is invalid for argument 'ids'. a checkpoint id is a whole number, got "seven" (see eddy checkpoints delete --help)\n`,
    ],
    [["checkpoint"], "eddy: unknown command 'checkpoint'\n(Did you mean checkpoints?) (see eddy --help)\n"],
  ])("eddy %j", async (argv, message) => {
    expect(await eddy(argv)).toEqual({ code: 2, out: "", err: message });
  });

  test("-h and --version print to stdout and exit 0", async () => {
    const help = await eddy(["checkpoints", "delete", "-h"]);
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^Usage: eddy checkpoints delete \[options\] <job> <ids\.\.\.>/);
    expect(help.out).toContain("--force");
    const version = await eddy(["--version"]);
    expect(version).toEqual({ code: 0, out: "0.0.0\n", err: "" });
  });
});
