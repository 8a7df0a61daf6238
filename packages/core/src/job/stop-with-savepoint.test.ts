import { expect, test } from "vitest";
import type { CheckpointStore, CheckpointToStore } from "../checkpoint/checkpoint-store.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { generatorSource } from "../io/generator-source.ts";
import { silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { eventually } from "../testing/eventually.ts";
import { countingSink, tickCounts } from "./test-support/tick-counts.ts";

/** A store whose commits take `delayMs`, as a remote one's do: records keep arriving meanwhile. */
class SlowCommits implements CheckpointStore {
  readonly description = "slow";
  constructor(
    private readonly inner: CheckpointStore,
    private readonly delayMs: number,
  ) {}
  async commit(checkpoint: CheckpointToStore, retain: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, this.delayMs));
    await this.inner.commit(checkpoint, retain);
  }
  checkpoints = (job: string) => this.inner.checkpoints(job);
  savepoint = (job: string, name: string) => this.inner.savepoint(job, name);
  readBlob = (ref: Parameters<CheckpointStore["readBlob"]>[0]) => this.inner.readBlob(ref);
}

test("a job stopped with a savepoint mid-stream and restarted from it writes every window result exactly once", async () => {
  const expected = new Map<string, number>();
  const reference = tickCounts("exact-savepoint", { store: new MemoryCheckpointStore() });
  reference.counts.sink(countingSink(new Map(), expected));
  await reference.job.run();

  const store = new SlowCommits(new MemoryCheckpointStore(), 60);
  const writes = new Map<string, number>();
  const results = new Map<string, number>();
  const first = tickCounts("exact-savepoint", { store, ratePerSecond: 20_000 });
  first.counts.sink(countingSink(writes, results));
  const running = first.job.run();
  await eventually(() => writes.size > 40, { what: "the first run to write window results" });
  await first.job.stop({ savepoint: true });
  expect((await running).outcome).toBe("stopped");
  const [latest] = await store.checkpoints("exact-savepoint");
  expect(latest?.kind).toBe("savepoint");
  const writtenBeforeStop = writes.size;
  expect(writtenBeforeStop).toBeLessThan(expected.size);

  // The restart resumes from the savepoint (the newest checkpoint) and reads to the end.
  const second = tickCounts("exact-savepoint", { store });
  second.counts.sink(countingSink(writes, results));
  expect(await second.job.run()).toEqual({ outcome: "finished", restoredFrom: latest!.checkpointId });

  expect([...writes].filter(([, n]) => n !== 1)).toEqual([]);
  expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
});

test("a second stop with a savepoint while the first is under way (SIGTERM, then Ctrl-C) joins it: one savepoint, both resolve", async () => {
  const store = new SlowCommits(new MemoryCheckpointStore(), 60);
  let written = 0;
  const job = pipeline("stop-twice", {
    checkpoints: { every: 3_600_000, store },
    logger: silentLogger,
    stopOnSignals: false,
  });
  job.source(generatorSource({ batchSize: 50, ratePerSecond: 20_000, generate: (i) => i })).sink({
    name: "counting",
    write(values) {
      written += values.length;
    },
  });
  const running = job.run();
  await eventually(() => written > 500, { what: "the job to write" });
  await Promise.all([job.stop({ savepoint: true }), job.stop({ savepoint: true })]);
  expect((await running).outcome).toBe("stopped");
  const stored = await store.checkpoints("stop-twice");
  expect(stored.map((m) => m.kind)).toEqual(["savepoint"]);
  // Exact: the savepoint's position is the last record the sink was given.
  expect(Object.values(stored[0]!.sources)).toEqual([{ "0": written }]);
});
