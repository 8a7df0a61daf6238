import { describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { CheckpointFailedError } from "../checkpoint/checkpoint-failed-error.ts";
import type { CheckpointStore, CheckpointToStore } from "../checkpoint/checkpoint-store.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { UnmatchedStateError } from "../job/job-restore.ts";
import { type Logger, silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { VirtualClock } from "../time/clock.ts";
import { monotonous } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import { OperatorError, PipelineDefinitionError } from "./errors.ts";
import { type FailedRecord, OutputTag } from "./output-tag.ts";
import { sumByKey } from "./test-support/sum-by-key.ts";
import { countingSource, latch, recordingSink } from "./test-support/test-sources.ts";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;

describe("running a job", () => {
  test("runs a bounded pipeline to its end, in order", async () => {
    const sink = recordingSink<string>();
    const job = pipeline("basic", quiet);
    job
      .source(countingSource([1, 2, 3, 4, 5]))
      .map((n) => n * 10)
      .filter((n) => n !== 30)
      .flatMap((n) => [`${n}a`, `${n}b`])
      .sink(sink);
    expect(await job.run()).toEqual({ outcome: "finished", restoredFrom: undefined });
    expect(sink.values).toEqual(["10a", "10b", "20a", "20b", "40a", "40b", "50a", "50b"]);
    expect(sink.events).toEqual(["finish"]);
  });

  test("a job stopped before its sources began reading ends, its reader never opened", async () => {
    const never = latch();
    const source = countingSource([1, 2, 3], { gate: () => never.promise });
    let opened = 0;
    const original = source.open.bind(source);
    source.open = (context) => {
      opened++;
      return original(context);
    };
    const job = pipeline("stopped-at-start", quiet);
    // Sinks open before the sources' streams are subscribed: a stop from there comes first.
    job.source(source).sink({ name: "stops", open: () => void job.stop(), write() {} });
    expect((await job.run()).outcome).toBe("stopped");
    expect(opened).toBe(0);
  });

  test("an empty source finishes at once", async () => {
    const sink = recordingSink<number>();
    const job = pipeline("empty", quiet);
    job.source(countingSource<number>([])).sink(sink);
    expect((await job.run()).outcome).toBe("finished");
    expect(sink.values).toEqual([]);
  });

  test("a stream read by two sinks is read from its source once", async () => {
    let reads = 0;
    const a = recordingSink<number>();
    const b = recordingSink<number>();
    const job = pipeline("fan-out", quiet);
    const numbers = job.source(countingSource([1, 2, 3], { onRead: () => reads++ }));
    numbers.sink(a);
    numbers.map((n) => -n).sink(b);
    await job.run();
    expect(a.values).toEqual([1, 2, 3]);
    expect(b.values).toEqual([-1, -2, -3]);
    expect(reads).toBe(2);
  });

  test("union merges several sources", async () => {
    const sink = recordingSink<number>();
    const job = pipeline("union", quiet);
    job
      .source(countingSource([1, 2, 3]))
      .union(job.source(countingSource([10, 20])))
      .sink(sink);
    await job.run();
    expect([...sink.values].sort((x, y) => x - y)).toEqual([1, 2, 3, 10, 20]);
  });

  test("process functions reach side outputs", async () => {
    const odd = new OutputTag<number>("odd");
    const evens = recordingSink<number>();
    const odds = recordingSink<number>();
    const job = pipeline("side", quiet);
    const split = job.source(countingSource([1, 2, 3, 4])).process<number>({
      processElement(n, ctx) {
        if (n % 2 === 0) ctx.emit(n);
        else ctx.output(odd, n);
      },
    });
    split.sink(evens);
    split.getSideOutput(odd).sink(odds);
    await job.run();
    expect(evens.values).toEqual([2, 4]);
    expect(odds.values).toEqual([1, 3]);
  });

  test("a job without a sink, or with two operators of one name, is refused", async () => {
    const job = pipeline("no-sink", quiet);
    job.source(countingSource([1])).map((n) => n);
    await expect(job.run()).rejects.toThrow(/job "no-sink" has no sink/);
    const twice = pipeline("names", quiet);
    const s = twice.source(countingSource([1])).map((n) => n, { name: "double" });
    expect(() => s.map((n) => n, { name: "double" })).toThrow(PipelineDefinitionError);
  });

  test("a user function that throws stops the job with an error naming the operator", async () => {
    const source = countingSource([1, 2, 3]);
    const job = pipeline("fails", quiet);
    job
      .source(source)
      .map((n) => {
        if (n === 2) throw new Error("two is not allowed");
        return n;
      })
      .sink(recordingSink());
    const failure = await job.run().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OperatorError);
    expect((failure as OperatorError).operator).toBe("map#2");
    expect((failure as Error).message).toMatch(/^map#2: failed on a record .*: two is not allowed$/);
    expect(source.closed).toBe(true);
  });

  test("a job settles only once its sources are closed, whether it finishes or fails", async () => {
    const slowClose = () => new Promise<void>((resolve) => setTimeout(resolve, 30));
    const finishing = countingSource([1, 2, 3], { slowClose });
    const ok = pipeline("closes-finished", quiet);
    ok.source(finishing).sink(recordingSink());
    await ok.run();
    expect(finishing.closed).toBe(true);

    const failing = countingSource([1, 2, 3], { slowClose });
    const bad = pipeline("closes-failed", quiet);
    bad
      .source(failing)
      .map(() => {
        throw new Error("boom");
      })
      .sink(recordingSink());
    await expect(bad.run()).rejects.toThrow(/boom/);
    expect(failing.closed).toBe(true);
  });

  test("with an error output the failing record is routed and the job goes on", async () => {
    const errors = new OutputTag<FailedRecord<number>>("errors");
    const good = recordingSink<number>();
    const bad = recordingSink<FailedRecord<number>>();
    const job = pipeline("routes", quiet);
    const parsed = job.source(countingSource([1, 2, 3], { batchSize: 3 })).map(
      (n) => {
        if (n === 2) throw new Error("bad");
        return n * 2;
      },
      { errors, name: "double" },
    );
    parsed.sink(good);
    parsed.getSideOutput(errors).sink(bad);
    await job.run();
    expect(good.values).toEqual([2, 6]);
    expect(bad.values).toEqual([{ value: 2, timestamp: Number.NaN, operator: "double", error: "bad" }]);
    expect(job.metrics.snapshot().double!.failedRecords).toBe(1);
  });

  test.each(["sync", "async"] as const)(
    "a sink that fails (%s) stops the job and is not called again",
    async (mode) => {
      const calls: number[] = [];
      const job = pipeline(`failing-sink-${mode}`, quiet);
      job.source(countingSource([1, 2, 3, 4, 5, 6], { batchSize: 1 })).sink({
        name: "failing",
        write(values) {
          calls.push(values[0]!);
          if (values[0] !== 2) return mode === "async" ? Promise.resolve() : undefined;
          if (mode === "sync") throw new Error("disk full");
          return Promise.reject(new Error("disk full"));
        },
      });
      await expect(job.run()).rejects.toThrow("disk full");
      expect(calls).toEqual([1, 2]);
    },
  );

  test("a slow sink holds the source back (backpressure)", async () => {
    let reads = 0;
    let written = 0;
    let maxAhead = 0;
    const sink = recordingSink<number>({
      slowWrite: async () => {
        await new Promise((r) => setTimeout(r, 2));
        written++;
      },
    });
    const job = pipeline("backpressure", { ...quiet, maxInFlightWrites: 4 });
    job
      .source(
        countingSource(
          Array.from({ length: 100 }, (_, i) => i),
          {
            batchSize: 1,
            onRead: () => {
              reads++;
              maxAhead = Math.max(maxAhead, reads - written);
            },
          },
        ),
      )
      .sink(sink);
    await job.run();
    expect(sink.values).toHaveLength(100);
    expect(maxAhead).toBeLessThanOrEqual(5);
  });
});

describe("checkpoints", () => {
  const words = ["a", "b", "a", "c", "b", "a", "c", "c", "a", "b"];

  function sumJob(
    name: string,
    store: CheckpointStore,
    source: ReturnType<typeof countingSource<string>>,
    logger: Logger = silentLogger,
  ) {
    const sink = recordingSink<[string, number]>();
    const job = pipeline(name, { logger, stopOnSignals: false, checkpoints: { store, retryDelay: 1 } });
    job
      .source(source)
      .transform(
        "sum",
        sumByKey(
          (w: string) => w,
          () => 1,
        ),
        { name: "sum" },
      )
      .sink(sink);
    return { job, sink };
  }

  test("a stopped job resumes from its savepoint with the same state and positions", async () => {
    const store = new MemoryCheckpointStore();
    const hold = latch();
    const first = sumJob(
      "resume",
      store,
      countingSource(words, { gate: (batch) => (batch === 3 ? hold.promise : undefined) }),
    );
    const running = first.job.run();
    await first.sink.until(() => first.sink.values.length === 6);
    await first.job.stop({ savepoint: true });
    hold.open();
    expect((await running).outcome).toBe("stopped");
    expect(first.sink.events).toEqual(["snapshot 1", "complete 1"]);
    const figures = first.job.metrics.checkpoints;
    expect(figures.completed).toBe(1);
    // A savepoint is self-contained: every key group is written, changed or not.
    expect(figures.lastKeyGroupsWritten).toBe(128);
    expect(figures.lastBytesWritten).toBeGreaterThan(0);

    const second = sumJob("resume", store, countingSource(words));
    expect(await second.job.run()).toEqual({ outcome: "finished", restoredFrom: 1 });
    expect(second.sink.events[0]).toBe('restored 1 {"written":6}');
    // The second run continues from record 6 with the counts of the first six.
    expect(second.sink.values).toEqual([
      ["c", 2],
      ["c", 3],
      ["a", 4],
      ["b", 3],
    ]);
  });

  test("checkpoints due after the sources ended do not hold the job; a final one covers the end", async () => {
    const store = new MemoryCheckpointStore();
    const sink = recordingSink<[string, number]>({ slowWrite: () => new Promise((r) => setTimeout(r, 15)) });
    const job = pipeline("drains", { ...quiet, checkpoints: { store, every: 2, retryDelay: 1 } });
    job
      .source(countingSource(words, { batchSize: 1 }))
      .transform(
        "sum",
        sumByKey(
          (w: string) => w,
          () => 1,
        ),
        { name: "sum" },
      )
      .sink(sink);
    // The source is done long before the slow sink: periodic checkpoints keep firing meanwhile.
    expect((await job.run()).outcome).toBe("finished");
    expect(sink.values).toHaveLength(words.length);
    const [latest] = await store.checkpoints("drains");
    expect(latest!.sources["source(counting)#1"]).toEqual({ "0": words.length });
    expect(sink.events.slice(-3)).toEqual([
      `snapshot ${latest!.checkpointId}`,
      `complete ${latest!.checkpointId}`,
      "finish",
    ]);
  });

  test("periodic checkpoints run even when the source never has to wait", async () => {
    const store = new MemoryCheckpointStore();
    const job = pipeline("busy", { ...quiet, checkpoints: { store, every: 5 } });
    const many = Array.from({ length: 300_000 }, (_, i) => `w${i % 50}`);
    let written = 0;
    job
      .source(countingSource(many, { batchSize: 100 }))
      .transform(
        "sum",
        sumByKey(
          (w: string) => w,
          () => 1,
        ),
        { name: "sum" },
      )
      .sink({
        name: "count",
        write: (values) => {
          written += values.length;
        },
      });
    const started = performance.now();
    await job.run();
    expect(written).toBe(many.length);
    // Only meaningful when the run lasted a few intervals, which 300k records do on any machine.
    expect(performance.now() - started).toBeGreaterThan(20);
    expect(job.metrics.checkpoints.completed).toBeGreaterThan(2);
  });

  test("a barrier never carries a position ahead of the records before it", async () => {
    const store = new MemoryCheckpointStore();
    const hold = latch();
    // The third read is still pending when the savepoint is taken.
    const { job, sink } = sumJob(
      "in-flight",
      store,
      countingSource(words, { gate: (b) => (b === 2 ? hold.promise : undefined) }),
    );
    const running = job.run();
    await sink.until(() => sink.values.length === 4);
    const manifest = await job.savepoint("mid");
    expect(manifest.sources["source(counting)#1"]).toEqual({ "0": 4 });
    hold.open();
    await running;
  });

  test("sinks learn a checkpoint completed only after it is stored", async () => {
    const store = new MemoryCheckpointStore();
    const log: string[] = [];
    const loggingStore: CheckpointStore = {
      description: "logging",
      commit: async (c, retain) => {
        log.push(`stored ${c.manifest.checkpointId}`);
        await store.commit(c, retain);
      },
      checkpoints: (job) => store.checkpoints(job),
      savepoint: (job, name) => store.savepoint(job, name),
      readBlob: (ref) => store.readBlob(ref),
    };
    const hold = latch();
    const { job, sink } = sumJob(
      "order",
      loggingStore,
      countingSource(words, { gate: (b) => (b === 1 ? hold.promise : undefined) }),
    );
    // The sink logs into the same list as the store, as things happen.
    sink.events = log;
    const running = job.run();
    await sink.until(() => sink.values.length === 2);
    await job.savepoint();
    hold.open();
    await running;
    // At the end of input a final checkpoint covers what the sink commits in finish().
    expect(log).toEqual([
      "snapshot 1",
      "stored 1",
      "complete 1",
      "snapshot 2",
      "stored 2",
      "complete 2",
      "finish",
    ]);
  });

  test("a store that fails is retried until the checkpoint is stored", async () => {
    const store = new FlakyStore(new MemoryCheckpointStore(), 2);
    const hold = latch();
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
    const { job, sink } = sumJob(
      "flaky",
      store,
      countingSource(words, { gate: (b) => (b === 1 ? hold.promise : undefined) }),
      logger,
    );
    const running = job.run();
    await sink.until(() => sink.values.length === 2);
    const manifest = await job.savepoint();
    expect(manifest.checkpointId).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/checkpoint 1: storing in flaky failed \(store down\); retry 1\/10/);
    const figures = job.metrics.checkpoints;
    expect(figures.failedAttempts).toBe(2);
    expect(figures.history).toEqual([
      expect.objectContaining({ checkpointId: 1, kind: "savepoint", status: "completed", failedAttempts: 2 }),
    ]);
    hold.open();
    await running;
  });

  test("past the tolerated failures the job fails with a clear error", async () => {
    const store = new FlakyStore(new MemoryCheckpointStore(), Number.POSITIVE_INFINITY);
    const hold = latch();
    const sink = recordingSink<string>();
    const job = pipeline("down", {
      logger: silentLogger,
      stopOnSignals: false,
      checkpoints: { store, tolerableFailures: 3, retryDelay: 1 },
    });
    job.source(countingSource(words, { gate: (b) => (b === 1 ? hold.promise : undefined) })).sink(sink);
    const running = job.run();
    await sink.until(() => sink.values.length === 2);
    await expect(job.savepoint()).rejects.toThrow(CheckpointFailedError);
    await expect(running).rejects.toThrow(
      /checkpoint 1 could not be stored in flaky after 4 attempts \(last error: store down\)/,
    );
    const figures = job.metrics.checkpoints;
    expect({
      completed: figures.completed,
      failed: figures.failed,
      attempts: figures.failedAttempts,
    }).toEqual({
      completed: 0,
      failed: 1,
      attempts: 4,
    });
    expect(figures.history).toEqual([
      expect.objectContaining({
        checkpointId: 1,
        status: "failed",
        failedAttempts: 4,
        bytesWritten: 0,
        error: expect.stringMatching(/could not be stored in flaky after 4 attempts/),
      }),
    ]);
    expect(job.metrics.status).toBe("failed");
  });

  test("a checkpoint that times out on the job's clock is tolerated, and the next one completes", async () => {
    const clock = new VirtualClock(0);
    const store = new MemoryCheckpointStore();
    const hold = latch();
    const stuck = latch();
    const sink = recordingSink<string>();
    const sinkStuckAtFirst = {
      ...sink,
      snapshot: async (id: number) => {
        if (id === 1) await stuck.promise;
        return sink.snapshot!(id);
      },
    };
    const job = pipeline("times-out", {
      ...quiet,
      clock,
      checkpoints: { store, checkpointTimeout: 1_000, tolerableCheckpointFailures: 1 },
    });
    job
      .source(countingSource(words, { gate: (b) => (b === 1 ? hold.promise : undefined) }))
      .sink(sinkStuckAtFirst);
    const running = job.run();
    await sink.until(() => sink.values.length === 2);
    const first = job.savepoint("first");
    clock.advanceTo(999);
    stuck.open();
    clock.advanceTo(1_000);
    await expect(first).rejects.toThrow(
      /checkpoint 1 timed out after 1000 ms waiting for sink\(recording\)#\d to acknowledge it/,
    );
    const second = await job.savepoint("second");
    expect(second.checkpointId).toBe(2);
    hold.open();
    expect((await running).outcome).toBe("finished");
    expect(job.metrics.checkpoints).toMatchObject({ failed: 1 });
    expect(job.metrics.checkpoints.history.map((c) => [c.checkpointId, c.status])).toEqual([
      [1, "failed"],
      [2, "completed"],
      [3, "completed"],
    ]);
  });

  test("checkpoint options that make no sense are refused when the job is built", () => {
    const store = new MemoryCheckpointStore();
    expect(() => pipeline("bad", { checkpoints: { store, checkpointTimeout: 0 } })).toThrow(
      new PipelineDefinitionError(
        'pipeline "bad": checkpoints.checkpointTimeout must be a number of ms > 0, got 0',
      ),
    );
  });

  test("a branch whose source ended commits its end while another source runs, and a restore does not fire it again", async () => {
    const store = new MemoryCheckpointStore();
    // Branch A: a bounded source whose windows fire at its end. Branch B: a source held open.
    const twoBranches = (b: ReturnType<typeof countingSource<string>>) => {
      const windows = recordingSink<WindowResult<string, TimeWindow, number>>();
      const sums = recordingSink<[string, number]>();
      const job = pipeline("two-branches", { ...quiet, checkpoints: { store, every: 2, retryDelay: 1 } });
      job
        .source(countingSource([1_000, 1_500, 2_500]))
        .withWatermarks(monotonous(), (t) => t)
        .keyBy(() => "all")
        .window(tumbling(1_000))
        .aggregate(count(), { name: "windows" })
        .sink(windows, { name: "window-results" });
      job
        .source(b)
        .transform(
          "sum",
          sumByKey(
            (w: string) => w,
            () => 1,
          ),
          { name: "sum" },
        )
        .sink(sums, { name: "sum-results" });
      return { job, windows, sums };
    };

    const hold = latch();
    const first = twoBranches(
      countingSource(words, { gate: (batch) => (batch === 2 ? hold.promise : undefined) }),
    );
    const running = first.job.run();
    // Branch A reaches its end, joins a checkpoint without a barrier, commits and finishes, while
    // branch B is held: checkpoints go on for both.
    await first.windows.until(() => first.windows.events.includes("finish"));
    const joined = Number(first.windows.events.at(-3)!.split(" ")[1]);
    expect(first.windows.events.slice(-3)).toEqual([`snapshot ${joined}`, `complete ${joined}`, "finish"]);
    expect(first.windows.values.map((r) => [r.window.start, r.value])).toEqual([
      [1_000, 2],
      [2_000, 1],
    ]);
    const after = first.job.metrics.checkpoints.completed;
    await first.sums.until(() => first.job.metrics.checkpoints.completed > after + 2);
    const savepoint = await first.job.savepoint("mid-b");
    expect(savepoint.sources["source(counting)#1"]).toEqual({ "0": 3 });
    expect(savepoint.operators.windows).toBeUndefined();
    await first.job.stop();
    hold.open();
    expect((await running).outcome).toBe("stopped");

    const second = twoBranches(countingSource(words));
    await second.job.run();
    // The finished branch neither replays nor fires again; branch B resumes where it stopped.
    expect(second.windows.values).toEqual([]);
    expect([...first.sums.values, ...second.sums.values].map(([, n]) => n)).toEqual([
      1, 1, 2, 1, 2, 3, 2, 3, 4, 3,
    ]);
  });

  test("a sink waiting at its end for a checkpoint does not hold a stop, and neither commits nor finishes", async () => {
    const store = new MemoryCheckpointStore();
    const go = latch();
    const release = latch();
    let readsOfB = 0;
    const twoReadsOfB = latch();
    const ended = recordingSink<number>();
    const blocked = recordingSink<string>({ slowWrite: () => release.promise });
    // No periodic checkpoints: the first is the one the ended sink asks for at its end.
    const job = pipeline("stops-at-end", { ...quiet, checkpoints: { store, retryDelay: 1 } });
    job.source(countingSource([1, 2, 3], { gate: () => go.promise })).sink(ended, { name: "ended" });
    job
      .source(
        countingSource([...words, ...words], {
          onRead: () => {
            if (++readsOfB === 2) twoReadsOfB.open();
          },
        }),
      )
      .sink(blocked, { name: "blocked" });
    const running = job.run();
    // B's records wait in the blocked sink; the barrier of the checkpoint the ended sink joins
    // queues behind them, so that checkpoint cannot complete.
    await twoReadsOfB.promise;
    go.open();
    await ended.until(() => ended.events.length > 0);
    expect(ended.events).toEqual(["snapshot 1"]);
    await job.stop();
    release.open();
    expect((await running).outcome).toBe("stopped");
    expect(ended.values).toEqual([1, 2, 3]);
    expect(ended.events).toEqual(["snapshot 1"]);
    expect(await store.checkpoints("stops-at-end")).toEqual([]);
  });

  test("a corrupt blob makes the restore fall back to the checkpoint before, with a log line", async () => {
    const store = new MemoryCheckpointStore();
    const hold = latch();
    const first = sumJob(
      "corrupt",
      store,
      countingSource(words, { gate: (b) => (b === 3 ? hold.promise : undefined) }),
    );
    const running = first.job.run();
    await first.sink.until(() => first.sink.values.length === 6);
    await first.job.savepoint();
    const latest = await first.job.savepoint();
    await first.job.stop();
    hold.open();
    await running;

    const blob = Object.values(latest.operators.sum!.keyGroups).flat().at(-1)!;
    store.corruptBlob(blob.key);
    const errors: string[] = [];
    const second = sumJob("corrupt", store, countingSource(words), {
      ...silentLogger,
      error: (m) => errors.push(m),
    });
    expect((await second.job.run()).restoredFrom).toBe(1);
    expect(errors).toEqual([
      expect.stringMatching(
        /checkpoint 2 in memory is unusable \(blob corrupt\/2\/sum\/kg\d+ fails its checksum\); trying the one before it/,
      ),
    ]);
    expect(second.sink.values.at(-1)).toEqual(["b", 3]);
  });

  test("a checkpoint with another number of key groups, or unknown operators, is refused", async () => {
    const store = new MemoryCheckpointStore();
    const hold = latch();
    const gated = sumJob(
      "groups",
      store,
      countingSource(words, { gate: (b) => (b === 1 ? hold.promise : undefined) }),
    );
    const running = gated.job.run();
    await gated.sink.until(() => gated.sink.values.length === 2);
    await gated.job.stop({ savepoint: true });
    hold.open();
    await running;

    const other = pipeline("groups", { ...quiet, keyGroups: 64, checkpoints: { store } });
    other
      .source(countingSource(words))
      .transform(
        "sum",
        sumByKey(
          (w: string) => w,
          () => 1,
        ),
        { name: "sum" },
      )
      .sink(recordingSink());
    await expect(other.run()).rejects.toThrow(/taken with 128 key groups, the job is configured with 64/);

    const renamed = pipeline("groups", { ...quiet, checkpoints: { store } });
    renamed
      .source(countingSource(words))
      .transform(
        "sum",
        sumByKey(
          (w: string) => w,
          () => 1,
        ),
        { name: "total" },
      )
      .sink(recordingSink());
    const refusal = await renamed.run().catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(UnmatchedStateError);
    expect(refusal).toMatchObject({ operators: ["sum"], checkpointId: expect.any(Number) });
    expect(String(refusal)).toMatch(/holds state of operators this job does not have \(sum\)/);
  });
});

/** A store that fails its first `failures` commits, as a store that is down would. */
class FlakyStore implements CheckpointStore {
  readonly description = "flaky";
  constructor(
    private readonly inner: CheckpointStore,
    private failures: number,
  ) {}
  async commit(checkpoint: CheckpointToStore, retain: number): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("store down");
    }
    await this.inner.commit(checkpoint, retain);
  }
  checkpoints = (job: string) => this.inner.checkpoints(job);
  savepoint = (job: string, name: string) => this.inner.savepoint(job, name);
  readBlob = (ref: Parameters<CheckpointStore["readBlob"]>[0]) => this.inner.readBlob(ref);
}
