import { expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { holderOf } from "../cluster/lease.ts";
import { MemoryLeaseStore } from "../cluster/memory-lease-store.ts";
import { silentLogger } from "../logging/logger.ts";
import { type PipelineOptions, pipeline } from "../pipeline.ts";
import { byIp } from "../repartition/test-support/clicks-per-page.ts";
import {
  countPausedClicks,
  expectedPausedCounts,
  PER_SPLIT,
  pausableClicks,
} from "../repartition/test-support/pausable-clicks.ts";
import { eventually } from "../testing/eventually.ts";
import { FAST } from "./test-support/tick-counts.ts";

// A restored split with nothing left to read must not start again at -Infinity: it would hold
// every window of its job (or worker) for ever. Its watermark, kept beside its position, is its
// floor instead.

/** Split b's clicks wait for `resume()`; `read` has each split's position as it is read. */
function pausedInput(options: { partitioned?: boolean } = {}) {
  const read = new Map<string, number>();
  let resume!: () => void;
  const resumed = new Promise<void>((resolve) => {
    resume = resolve;
  });
  const source = () =>
    pausableClicks(0, resumed, { ...options, read: (split, position) => read.set(split, position) });
  const readToEnd = (split: string) =>
    eventually(() => read.get(split) === PER_SPLIT, {
      what: `split ${split} read to its end`,
      timeoutMs: 10_000,
    });
  return { source, resume, readToEnd };
}

/** A job counting the clicks per ip; `done` settles with its run. */
function perIp(
  name: string,
  source: ReturnType<typeof pausableClicks>,
  results: Map<string, number>,
  options: PipelineOptions,
) {
  const job = pipeline(name, { logger: silentLogger, stopOnSignals: false, ...options });
  countPausedClicks(job, source, byIp, results);
  return { stop: () => job.stop(), stopWithSavepoint: () => job.stop({ savepoint: true }), done: job.run() };
}

test("one process restored from a savepoint taken after a split was read to its end: the split starts again from its own watermark, and every window fires once the other split moves on", async () => {
  const store = new MemoryCheckpointStore();
  const input = pausedInput();
  const results = new Map<string, number>();
  const options = { checkpoints: { every: 1_000_000, store } };

  const first = perIp("restored-split-watermarks-one", input.source(), results, options);
  await input.readToEnd("a");
  await first.stopWithSavepoint();
  await first.done;
  expect(results).toEqual(new Map());

  // Restored, split a has nothing left to read; b moves on.
  input.resume();
  const second = perIp("restored-split-watermarks-one", input.source(), results, options);
  const expected = expectedPausedCounts(byIp);
  try {
    await eventually(() => results.size >= expected.size, { what: "every window", timeoutMs: 10_000 });
  } finally {
    await second.stop();
  }
  await second.done;
  expect(new Map([...results].sort())).toEqual(new Map([...expected].sort()));
});

test("a split read to its end before a planned restart starts again from its own watermark: every window fires once the lagging split moves on", async () => {
  const store = new MemoryCheckpointStore();
  const leases = new MemoryLeaseStore();
  const input = pausedInput({ partitioned: true });
  const source = input.source();
  const written: Map<string, number>[] = [];
  const worker = (workerId: string) => {
    const results = new Map<string, number>();
    written.push(results);
    return perIp("restored-split-watermarks", source, results, {
      checkpoints: { every: 40, store },
      cluster: { leases, workerId, ...FAST },
    });
  };
  const merged = () => new Map(written.flatMap((w) => [...w]));
  const expected = expectedPausedCounts(byIp);

  // Worker a reads split a to its end while b is paused before its first record (so a's windows
  // wait for b); then worker b joins and takes one split: a's pipeline restarts at a checkpoint.
  // Whichever worker then reads split a, nothing is left to read there.
  const jobs = [worker("worker-a")];
  try {
    await input.readToEnd("a");
    jobs.push(worker("worker-b"));
    await eventually(async () => (await leases.snapshot()).leases.some((l) => holderOf(l) === "worker-b"), {
      what: "worker b to take a split",
      timeoutMs: 10_000,
    });
    input.resume();
    await eventually(() => merged().size >= expected.size, { what: "every window", timeoutMs: 15_000 });
  } finally {
    await Promise.all(jobs.map((job) => job.stop()));
  }
  await Promise.all(jobs.map((job) => job.done));
  expect(new Map([...merged()].sort())).toEqual(new Map([...expected].sort()));
});
