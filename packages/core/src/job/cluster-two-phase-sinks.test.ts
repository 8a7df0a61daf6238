import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import type { Lease } from "../cluster/lease.ts";
import type { LeaseStore } from "../cluster/lease-store.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { generatorSource } from "../io/generator-source.ts";
import { jsonLinesSink } from "../io/json-lines-sink.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import type { Sink } from "../runtime/sink.ts";
import { eventually } from "../testing/eventually.ts";
import type { ClusterOptions } from "./cluster-options.ts";
import { checkpointToPosition } from "./published-state.ts";
import { FAST, tickCounts } from "./test-support/tick-counts.ts";

const directories: string[] = [];
afterEach(async () => {
  for (const dir of directories.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "eddy-two-phase-"));
  directories.push(dir);
  return dir;
}

/** Per-second window counts as JSON lines in `dir`, exactly once. */
function countsToFiles(
  dir: string,
  options: { store: MemoryCheckpointStore; cluster?: ClusterOptions; ratePerSecond?: number },
) {
  const { job, counts } = tickCounts("file-counts", options);
  counts
    .map((r) => `${r.key}|${r.window.start}|${r.value}`)
    .sink(jsonLinesSink<string>(dir), { name: "files" });
  return job;
}

/** Every committed line of `dir`, sorted; and the names of the files there. */
async function linesOf(dir: string): Promise<{ lines: string[]; files: string[] }> {
  const files = (await readdir(dir)).sort();
  const lines: string[] = [];
  for (const file of files.filter((f) => f.startsWith("part-"))) {
    lines.push(...(await readFile(join(dir, file), "utf8")).split("\n").filter((l) => l !== ""));
  }
  return { lines: lines.sort(), files };
}

async function singleProcessLines(): Promise<string[]> {
  const dir = await tempDir();
  await countsToFiles(dir, { store: new MemoryCheckpointStore() }).run();
  const { lines } = await linesOf(dir);
  expect(new Set(lines).size).toBe(lines.length);
  return lines;
}

describe("two-phase sinks on several workers", () => {
  test("two workers writing JSON lines into one directory commit exactly the lines of one process, each under its own names", async () => {
    const expected = await singleProcessLines();
    const dir = await tempDir();
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const workers = ["worker-a", "worker-b"].map((workerId) =>
      countsToFiles(dir, { store, ratePerSecond: 15_000, cluster: { leases, workerId, ...FAST } }),
    );
    const outcomes = await Promise.all(workers.map((job) => job.run()));

    expect(outcomes.map((o) => o.outcome)).toEqual(["finished", "finished"]);
    const { lines, files } = await linesOf(dir);
    expect(lines).toEqual(expected);
    expect(
      files.filter((f) => !/^part-worker-[ab]~\d{10}-\d{16}-(checkpoint|final)\.jsonl$/.test(f)),
    ).toEqual([]);
    expect(new Set(files.map((f) => f.slice(0, "part-worker-a".length)))).toEqual(
      new Set(["part-worker-a", "part-worker-b"]),
    );
  });

  test("a worker stopped between checkpoints and restarted with its id commits what it published, drops what it did not, and the directory ends with the lines of one process", async () => {
    const expected = await singleProcessLines();
    const dir = await tempDir();
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    const cluster = { leases, workerId: "a", ...FAST };
    const first = countsToFiles(dir, { store, ratePerSecond: 6_000, cluster });
    const running = first.run();
    await eventually(
      async () => (await leases.snapshot()).leases.filter((l) => positionOf(l) > 9_000).length === 4,
      { what: "worker a to publish every split past a third of the input", timeoutMs: 15_000 },
    );
    await first.stop();
    expect((await running).outcome).toBe("stopped");
    // As a crash after a barrier whose checkpoint was never published would: a staged part of
    // worker a that no published checkpoint lists.
    const unpublished = `.part-a~${"1".padStart(10, "0")}-${"9".padStart(16, "0")}-crashed.inprogress`;
    await writeFile(join(dir, unpublished), `${JSON.stringify("never published")}\n`);

    expect((await countsToFiles(dir, { store, cluster }).run()).outcome).toBe("finished");
    const { lines, files } = await linesOf(dir);
    expect(lines).toEqual(expected);
    expect(files.filter((f) => f.endsWith(".inprogress"))).toEqual([]);
    // Two processes of worker a wrote, each under its own incarnation.
    expect(new Set(files.map((f) => /^part-a~(\d{10})-/.exec(f)?.[1])).size).toBe(2);
  });

  test("a worker commits what another worker's last publish left staged, and never deletes another worker's in-progress part", async () => {
    const dir = await tempDir();
    const leases = new MemoryLeaseStore();
    const store = new MemoryCheckpointStore();
    // Worker "gone" publishes a checkpoint whose part it never commits (its commit notice is
    // dropped, as when a process dies right after the publish), and leaves a part in progress.
    const dropsNotices = (sink: Sink<string>): Sink<string> => ({
      ...sink,
      name: sink.name,
      severalWriters: true,
      open: (context) => sink.open?.(context),
      write: (values, timestamps) => sink.write(values, timestamps),
      snapshot: (id) => sink.snapshot?.(id),
      notifyCheckpointComplete: () => {},
      finish: () => {},
      close: () => sink.close?.(),
    });
    const gone = pipeline("handover", {
      checkpoints: { every: 30, store },
      cluster: { leases, workerId: "gone", ...FAST },
      logger: silentLogger,
      stopOnSignals: false,
    });
    gone
      .source(
        generatorSource({
          count: 400,
          partitions: 1,
          partitionKey: (i: number) => `k${i % 3}`,
          ratePerSecond: 200,
          generate: (i) => i,
        }),
      )
      .map((i) => `line ${i}`)
      .sink(dropsNotices(jsonLinesSink<string>(dir)), { name: "files" });
    const running = gone.run();
    await eventually(async () => (await leases.readCommittables()).has("gone"), {
      what: "worker gone to publish a checkpoint",
      timeoutMs: 15_000,
    });
    await gone.stop();
    await running;
    const staged = (await readdir(dir)).filter((f) => f.endsWith(".inprogress"));
    expect(staged.length).toBeGreaterThan(0);
    expect((await readdir(dir)).filter((f) => f.startsWith("part-"))).toEqual([]);

    // Another worker of the job takes the split over and runs it to its end.
    const other = pipeline("handover", {
      checkpoints: { every: 30, store },
      cluster: { leases, workerId: "other", ...FAST },
      logger: silentLogger,
      stopOnSignals: false,
    });
    other
      .source(
        generatorSource({
          count: 400,
          partitions: 1,
          partitionKey: (i: number) => `k${i % 3}`,
          generate: (i) => i,
        }),
      )
      .map((i) => `line ${i}`)
      .sink(jsonLinesSink<string>(dir), { name: "files" });
    expect((await other.run()).outcome).toBe("finished");

    const { lines, files } = await linesOf(dir);
    expect(lines).toEqual(Array.from({ length: 400 }, (_, i) => JSON.stringify(`line ${i}`)).sort());
    // What "gone" published was committed under its name; its unpublished part is still there,
    // hidden: only "gone" itself may delete it.
    expect(files.some((f) => f.startsWith("part-gone~"))).toBe(true);
    expect(files.filter((f) => f.startsWith(".part-gone~")).length).toBeGreaterThan(0);
  });

  test("refuses a committing sink that does not keep writers apart, or a lease store that cannot record committables", async () => {
    const store = new MemoryCheckpointStore();
    const run = (sink: Sink<number>, leases: LeaseStore) => {
      const job = pipeline("refused", {
        checkpoints: { every: 100, store },
        cluster: { leases, workerId: "w", ...FAST },
        logger: silentLogger,
        stopOnSignals: false,
      });
      job
        .source(
          generatorSource({
            count: 10,
            partitions: 2,
            partitionKey: (i: number) => `k${i}`,
            generate: (i) => i,
          }),
        )
        .sink(sink);
      return job.run();
    };
    await expect(
      run({ name: "staged", write() {}, notifyCheckpointComplete() {} }, new MemoryLeaseStore()),
    ).rejects.toThrow(
      /^job "refused" runs on several workers, but sink "sink\(staged\)#2" commits its output on checkpoint completion without keeping each worker's staged output apart/,
    );
    const leases = new MemoryLeaseStore();
    const withoutCommittables: LeaseStore = Object.assign(Object.create(leases) as LeaseStore, {
      readCommittables: undefined,
    });
    const dir = await tempDir();
    await expect(run(jsonLinesSink<number>(dir), withoutCommittables)).rejects.toThrow(
      /cannot record what sink "sink\(json-lines\)#2" must commit after a publish \(it has no readCommittables\)/,
    );
  });
});

/** A lease's published position (a record index of the generator), or NaN before the first. */
function positionOf(lease: Lease): number {
  return lease.checkpoint === undefined
    ? Number.NaN
    : Number(checkpointToPosition(lease.leaseKey, lease.checkpoint).position);
}
