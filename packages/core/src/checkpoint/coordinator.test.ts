import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Logger } from "../logging/logger.ts";
import { v8Serde } from "../state/serde.ts";
import { VirtualClock } from "../time/clock.ts";
import { CheckpointFailedError } from "./checkpoint-failed-error.ts";
import { CheckpointMetrics } from "./checkpoint-metrics.ts";
import type { CheckpointOptions } from "./checkpoint-options.ts";
import type { CheckpointManifest } from "./checkpoint-store.ts";
import { CheckpointCoordinator } from "./coordinator.ts";
import type { EndOfInputCheckpoint } from "./participants.ts";
import type { SerializedOperatorSnapshot } from "./serialized-snapshot.ts";
import { ScriptedStore } from "./test-support/scripted-store.ts";

/** Lets every promise continuation that is ready run (store writes, awaits): no time passes. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const TIMEOUT = 1_000;

/** An operator's snapshot of `groups`, each blob naming its checkpoint and group. */
function snapshotOf(
  checkpointId: number,
  groups: Record<number, "full" | "delta">,
): SerializedOperatorSnapshot {
  return {
    keyGroups: Object.entries(groups).map(([group, mode]) => ({
      group: Number(group),
      mode,
      blob: Uint8Array.of(checkpointId, Number(group)),
    })),
  };
}

/** A coordinator with fake participants (a source, an operator, sinks) on a virtual clock. */
function setUp(
  options: {
    sinks?: string[];
    lastSink?: string;
    checkpoints?: Partial<CheckpointOptions>;
    restoredFrom?: CheckpointManifest;
    highestStoredId?: number;
  } = {},
) {
  const clock = new VirtualClock(0);
  const store = new ScriptedStore();
  const sinks = options.sinks ?? ["sink-1", "sink-2"];
  const barriers: { id: number; full: boolean }[] = [];
  const lastSinkBarriers: number[] = [];
  const notified: number[] = [];
  const fatal: Error[] = [];
  const log: string[] = [];
  const logger: Logger = {
    info: (m) => log.push(`info ${m}`),
    warn: (m) => log.push(`warn ${m}`),
    error: (m) => log.push(`error ${m}`),
  };
  const metrics = new CheckpointMetrics();
  const lastSink = options.lastSink;
  const coordinator = new CheckpointCoordinator({
    job: "test",
    keyGroups: 4,
    checkpoints: { store, checkpointTimeout: TIMEOUT, retry: { maxAttempts: 1 }, ...options.checkpoints },
    participants: {
      injectBarrier: (id, full) => barriers.push({ id, full }),
      sinkIds: lastSink ? [...sinks, lastSink] : sinks,
      lastSink: lastSink ? { id: lastSink, injectBarrier: (id) => lastSinkBarriers.push(id) } : undefined,
      notifyComplete: async (id) => {
        notified.push(id);
      },
    },
    clock,
    serde: v8Serde,
    logger,
    metrics,
    onFatal: (error) => fatal.push(error),
    restoredFrom: options.restoredFrom,
    highestStoredId: options.highestStoredId,
  });
  /** The source and the operator acknowledge `id`, then every sink in `sinks`. */
  const acknowledge = (
    id: number,
    snapshot: SerializedOperatorSnapshot = snapshotOf(id, { 0: "delta" }),
    acking: readonly string[] = sinks,
  ) => {
    coordinator.acknowledgeSource("source", id, new Map([["split-0", id * 10]]));
    coordinator.acknowledgeOperator("window", id, snapshot);
    for (const sink of acking) coordinator.acknowledgeSink(sink, id, `${sink}@${id}`);
  };
  return {
    clock,
    store,
    coordinator,
    barriers,
    lastSinkBarriers,
    notified,
    fatal,
    log,
    metrics,
    acknowledge,
  };
}

describe("barrier alignment", () => {
  test("a checkpoint is stored once every sink has acknowledged it, in any order, and only then are sinks told", async () => {
    const sinks = ["sink-1", "sink-2", "sink-3"];
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(sinks, { minLength: 3, maxLength: 3 }), async (order) => {
        const { coordinator, store, notified, barriers } = setUp({ sinks });
        const done = coordinator.trigger()!;
        expect(barriers).toEqual([{ id: 1, full: false }]);
        coordinator.acknowledgeSource("source", 1, new Map([["split-0", 7]]));
        coordinator.acknowledgeOperator("window", 1, snapshotOf(1, { 0: "full", 3: "full" }));
        for (const [i, sink] of order.entries()) {
          coordinator.acknowledgeSink(sink, 1, { pending: sink });
          // A repeated acknowledgement, or one of another checkpoint, does not count.
          coordinator.acknowledgeSink(sink, 1, { pending: sink });
          coordinator.acknowledgeSink(order[2]!, 2, "not this checkpoint");
          await settle();
          if (i < 2) expect({ attempts: store.attempts, notified }).toEqual({ attempts: 0, notified: [] });
        }
        const manifest = await done;
        expect(store.attempts).toBe(1);
        expect(notified).toEqual([1]);
        expect(manifest).toMatchObject({
          job: "test",
          checkpointId: 1,
          kind: "checkpoint",
          keyGroups: 4,
          sources: { source: { "split-0": 7 } },
        });
        expect(Object.keys(manifest.sinks).sort()).toEqual(sinks);
        expect(Object.keys(manifest.operators.window!.keyGroups)).toEqual(["0", "3"]);
        const restoredSink = await store.readBlob(manifest.sinks[order[0]!]!);
        expect(v8Serde.deserialize(restoredSink)).toEqual({ pending: order[0] });
      }),
      { numRuns: 12 },
    );
  });

  test("an incremental checkpoint points at the unchanged key groups of the one before it", async () => {
    const { coordinator, acknowledge } = setUp();
    const first = coordinator.trigger()!;
    acknowledge(1, snapshotOf(1, { 0: "full", 1: "full" }));
    const one = await first;
    const second = coordinator.trigger()!;
    acknowledge(2, snapshotOf(2, { 1: "delta" }));
    const two = await second;
    const keys = (m: CheckpointManifest) =>
      Object.fromEntries(
        Object.entries(m.operators.window!.keyGroups).map(([g, c]) => [g, c.map((r) => r.key)]),
      );
    expect(keys(one)).toEqual({ 0: ["test/1/window/kg0"], 1: ["test/1/window/kg1"] });
    expect(keys(two)).toEqual({ 0: ["test/1/window/kg0"], 1: ["test/1/window/kg1", "test/2/window/kg1"] });
  });

  test("ids continue after the newest stored checkpoint, and the first builds on the restored one", async () => {
    const origin = setUp();
    const restoring = origin.coordinator.trigger()!;
    origin.acknowledge(1, snapshotOf(1, { 2: "full" }));
    const restoredFrom = await restoring;
    const { coordinator, acknowledge, barriers } = setUp({ restoredFrom, highestStoredId: 5 });
    const next = coordinator.trigger()!;
    acknowledge(6, snapshotOf(6, { 3: "full" }));
    const manifest = await next;
    expect(barriers).toEqual([{ id: 6, full: false }]);
    expect(Object.keys(manifest.operators.window!.keyGroups)).toEqual(["2", "3"]);
  });
});

describe("timeouts", () => {
  test("a checkpoint not acknowledged within checkpointTimeout fails; the next may start, with full snapshots", async () => {
    const { clock, coordinator, acknowledge, barriers, metrics, fatal, log } = setUp({
      checkpoints: { tolerableCheckpointFailures: 1 },
    });
    const first = coordinator.trigger()!;
    acknowledge(1, undefined, ["sink-1"]);
    clock.advanceTo(TIMEOUT - 1);
    await settle();
    expect(metrics.failed).toBe(0);
    expect(coordinator.trigger()).toBeUndefined();
    clock.advanceTo(TIMEOUT);
    await expect(first).rejects.toThrow(
      new CheckpointFailedError(
        `job "test": checkpoint 1 timed out after ${TIMEOUT} ms waiting for sink-2 to acknowledge it`,
      ),
    );
    expect(metrics).toMatchObject({ failed: 1, completed: 0 });
    expect(metrics.history).toEqual([
      expect.objectContaining({ checkpointId: 1, status: "failed", durationMs: TIMEOUT }),
    ]);
    expect(log).toEqual([
      expect.stringMatching(
        /^warn job "test": checkpoint 1 failed \(.*timed out.*\); 1 in a row, 1 tolerated/,
      ),
    ]);
    expect(fatal).toEqual([]);

    const second = coordinator.trigger()!;
    // The late acknowledgement of the timed-out checkpoint does not count for the next.
    coordinator.acknowledgeSink("sink-2", 1, "late");
    acknowledge(2, snapshotOf(2, { 0: "full", 1: "full" }));
    expect((await second).checkpointId).toBe(2);
    const third = coordinator.trigger()!;
    acknowledge(3);
    await third;
    expect(barriers).toEqual([
      { id: 1, full: false },
      { id: 2, full: true },
      { id: 3, full: false },
    ]);
  });

  test("with no failure tolerated, a timed-out checkpoint fails the job", async () => {
    const { clock, coordinator, fatal } = setUp();
    const first = coordinator.trigger()!;
    clock.advanceTo(TIMEOUT);
    await expect(first).rejects.toThrow(/timed out/);
    expect(fatal).toEqual([
      new CheckpointFailedError(
        `job "test": checkpoint 1 timed out after ${TIMEOUT} ms waiting for sink-1, sink-2 to acknowledge it; the job stops and will resume from its last complete checkpoint`,
      ),
    ]);
    expect(coordinator.trigger()).toBeUndefined();
    await expect(coordinator.trigger("savepoint", "after")).rejects.toBe(fatal[0]);
  });

  test.each([
    ["fails", new Error("late and broken"), "failed"],
    ["lands", undefined, "completed"],
  ] as const)(
    "a store write in flight at the timeout %s on its own, and no retry follows it",
    async (_, outcome, status) => {
      const { clock, store, coordinator, acknowledge, metrics } = setUp({
        checkpoints: { retry: { maxAttempts: 5 }, tolerableCheckpointFailures: 1 },
      });
      const held = store.holdNext();
      const first = coordinator.trigger()!;
      acknowledge(1);
      await settle();
      clock.advanceTo(TIMEOUT);
      await settle();
      expect(metrics.history).toEqual([]);
      held.release(outcome);
      await first.catch(() => {});
      await settle();
      expect(store.attempts).toBe(1);
      expect(metrics.history).toEqual([expect.objectContaining({ checkpointId: 1, status })]);
      if (status === "failed") {
        await expect(first).rejects.toThrow(/checkpoint 1 timed out after 1000 ms while storing it/);
      }
    },
  );
});

describe("retries", () => {
  test("a failed store write is retried after a backoff on the job's clock", async () => {
    const { clock, store, coordinator, acknowledge, metrics, log } = setUp({
      checkpoints: { retry: { maxAttempts: 5, initialBackoffMS: 100, maxBackoffMS: 150 } },
    });
    store.failNext(2);
    const done = coordinator.trigger()!;
    acknowledge(1);
    await settle();
    expect(store.attempts).toBe(1);
    await settle();
    expect(store.attempts).toBe(1);
    clock.advanceTo(100);
    await settle();
    expect(store.attempts).toBe(2);
    clock.advanceTo(250);
    const manifest = await done;
    expect(store.attempts).toBe(3);
    expect(manifest.checkpointId).toBe(1);
    expect(log).toEqual([
      expect.stringMatching(
        /^warn checkpoint 1: storing in scripted failed \(store down\); retry 1\/4 in \d+ ms$/,
      ),
      expect.stringMatching(
        /^warn checkpoint 1: storing in scripted failed \(store down\); retry 2\/4 in \d+ ms$/,
      ),
      "info checkpoint 1 stored after 2 failed attempt(s)",
    ]);
    expect(metrics.failedAttempts).toBe(2);
    expect(metrics.history).toEqual([
      expect.objectContaining({ checkpointId: 1, status: "completed", failedAttempts: 2 }),
    ]);
  });

  test("past retry.maxAttempts the checkpoint fails; with none tolerated the job fails naming the last error", async () => {
    const { clock, store, coordinator, acknowledge, metrics, fatal, notified } = setUp({
      checkpoints: { retry: { maxAttempts: 3, initialBackoffMS: 10, maxBackoffMS: 10 } },
    });
    store.failNext(Number.POSITIVE_INFINITY);
    const done = coordinator.trigger()!;
    acknowledge(1);
    for (let t = 10; t <= 30; t += 10) {
      await settle();
      clock.advanceTo(t);
    }
    await expect(done).rejects.toThrow(
      new CheckpointFailedError(
        'job "test": checkpoint 1 could not be stored in scripted after 3 attempts (last error: store down)',
      ),
    );
    expect(fatal.map((e) => e.message)).toEqual([
      'job "test": checkpoint 1 could not be stored in scripted after 3 attempts (last error: store down); the job stops and will resume from its last complete checkpoint',
    ]);
    expect(fatal[0]).toBeInstanceOf(CheckpointFailedError);
    expect({ attempts: store.attempts, failedAttempts: metrics.failedAttempts, notified }).toEqual({
      attempts: 3,
      failedAttempts: 3,
      notified: [],
    });
  });
});

describe("tolerable failures", () => {
  test("failed checkpoints in a row up to tolerableCheckpointFailures are tolerated, one more fails the job; a stored one resets the count", async () => {
    const { store, coordinator, acknowledge, barriers, fatal, metrics } = setUp({
      checkpoints: { tolerableCheckpointFailures: 2 },
    });
    const run = async (id: number, snapshot?: SerializedOperatorSnapshot) => {
      const done = coordinator.trigger()!;
      acknowledge(id, snapshot);
      return done.then(
        (m) => m,
        () => undefined,
      );
    };
    store.failNext(2);
    expect(await run(1)).toBeUndefined();
    expect(await run(2)).toBeUndefined();
    expect(fatal).toEqual([]);
    const third = await run(3, snapshotOf(3, { 0: "full", 1: "full", 2: "full", 3: "full" }));
    // Full snapshots after a failure: nothing refers to the failed checkpoints' blobs.
    expect(
      Object.values(third!.operators.window!.keyGroups)
        .flat()
        .map((r) => r.key),
    ).toEqual(["test/3/window/kg0", "test/3/window/kg1", "test/3/window/kg2", "test/3/window/kg3"]);
    store.failNext(3);
    expect(await run(4)).toBeUndefined();
    expect(await run(5)).toBeUndefined();
    expect(fatal).toEqual([]);
    expect(await run(6)).toBeUndefined();
    expect(fatal.map((e) => e.message)).toEqual([
      'job "test": checkpoint 6 could not be stored in scripted after 1 attempts (last error: store down); that is 3 failed checkpoints in a row (tolerableCheckpointFailures: 2); the job stops and will resume from its last complete checkpoint',
    ]);
    expect(barriers.map((b) => b.full)).toEqual([false, true, true, false, true, true]);
    expect({ completed: metrics.completed, failed: metrics.failed }).toEqual({ completed: 1, failed: 5 });
    expect(coordinator.trigger()).toBeUndefined();
  });

  test("a sink's failing commit notice fails the job", async () => {
    const { coordinator, acknowledge, fatal } = setUp({ checkpoints: { tolerableCheckpointFailures: 5 } });
    const broken = new CheckpointCoordinator({
      job: "broken",
      keyGroups: 1,
      checkpoints: { store: new ScriptedStore() },
      participants: {
        injectBarrier: () => {},
        sinkIds: ["sink"],
        notifyComplete: () => Promise.reject(new Error("commit refused")),
      },
      clock: new VirtualClock(),
      serde: v8Serde,
      logger: { info() {}, warn() {}, error() {} },
      metrics: new CheckpointMetrics(),
      onFatal: (error) => fatal.push(error),
    });
    const done = broken.trigger()!;
    broken.acknowledgeSink("sink", 1, undefined);
    await expect(done).rejects.toThrow("commit refused");
    expect(fatal.map((e) => e.message)).toEqual(["commit refused"]);
    // The other coordinator is untouched.
    const other = coordinator.trigger()!;
    acknowledge(1);
    await other;
  });
});

describe("end of input", () => {
  test("a sink at its end joins the pending checkpoint; later checkpoints carry its last state", async () => {
    const { coordinator, acknowledge } = setUp();
    const first = coordinator.trigger()!;
    const join = (await coordinator.checkpointAtEnd("sink-1"))!;
    expect(join.checkpointId).toBe(1);
    coordinator.acknowledgeSink("sink-1", 1, "last state");
    acknowledge(1, undefined, ["sink-2"]);
    expect(await join.outcome).toBe("stored");
    await first;
    const second = coordinator.trigger()!;
    acknowledge(2, undefined, ["sink-2"]);
    const manifest = await second;
    expect(manifest.sinks["sink-1"]!.key).toBe("test/2/sink/sink-1");
  });

  test("a sink at its end that acknowledged the pending checkpoint joins the next, started at once", async () => {
    const { coordinator, acknowledge, barriers } = setUp();
    coordinator.trigger();
    acknowledge(1, undefined, ["sink-1"]);
    let join: EndOfInputCheckpoint | undefined;
    void coordinator.checkpointAtEnd("sink-1").then((j) => {
      join = j;
    });
    await settle();
    expect(join).toBeUndefined();
    acknowledge(1, undefined, ["sink-2"]);
    await settle();
    expect(barriers.map((b) => b.id)).toEqual([1, 2]);
    expect(join!.checkpointId).toBe(2);
  });

  test("with no checkpoint in flight, a sink at its end starts one", async () => {
    const { coordinator, barriers } = setUp();
    const join = await coordinator.checkpointAtEnd("sink-2");
    expect(barriers).toEqual([{ id: 1, full: false }]);
    expect(join!.checkpointId).toBe(1);
  });

  test("a sink whose end checkpoint failed is told so and joins the next", async () => {
    const { store, coordinator, acknowledge, barriers } = setUp({
      checkpoints: { tolerableCheckpointFailures: 1 },
    });
    store.failNext(1);
    const first = (await coordinator.checkpointAtEnd("sink-1"))!;
    coordinator.acknowledgeSink("sink-1", first.checkpointId, "end");
    acknowledge(1, undefined, ["sink-2"]);
    expect(await first.outcome).toBe("failed");
    const second = (await coordinator.checkpointAtEnd("sink-1"))!;
    expect(second.checkpointId).toBe(2);
    coordinator.acknowledgeSink("sink-1", 2, "end");
    acknowledge(2, undefined, ["sink-2"]);
    expect(await second.outcome).toBe("stored");
    expect(barriers).toEqual([
      { id: 1, full: false },
      { id: 2, full: true },
    ]);
  });

  test("once every sink has ended, nothing is left to checkpoint", async () => {
    const { coordinator, barriers } = setUp();
    const [a, b] = await Promise.all([
      coordinator.checkpointAtEnd("sink-1"),
      coordinator.checkpointAtEnd("sink-2"),
    ]);
    coordinator.acknowledgeSink("sink-1", a!.checkpointId, "a");
    coordinator.acknowledgeSink("sink-2", b!.checkpointId, "b");
    expect(await Promise.all([a!.outcome, b!.outcome])).toEqual(["stored", "stored"]);
    expect(coordinator.trigger()).toBeUndefined();
    await expect(coordinator.trigger("savepoint", "late")).rejects.toThrow(
      'job "test" has reached the end of its input',
    );
    expect(barriers).toHaveLength(1);
  });
});

describe("savepoints", () => {
  test("a savepoint waits behind a running checkpoint and takes full snapshots; periodic triggers meanwhile are skipped", async () => {
    const { coordinator, acknowledge, barriers } = setUp();
    const checkpoint = coordinator.trigger()!;
    const savepoint = coordinator.trigger("savepoint", "before-upgrade")!;
    expect(coordinator.trigger()).toBeUndefined();
    expect(barriers).toEqual([{ id: 1, full: false }]);
    acknowledge(1, snapshotOf(1, { 0: "full", 1: "full" }));
    await checkpoint;
    expect(barriers).toEqual([
      { id: 1, full: false },
      { id: 2, full: true },
    ]);
    acknowledge(2, snapshotOf(2, { 0: "full", 1: "full" }));
    const manifest = await savepoint;
    expect(manifest).toMatchObject({ checkpointId: 2, kind: "savepoint", savepointName: "before-upgrade" });
    expect(
      Object.values(manifest.operators.window!.keyGroups)
        .flat()
        .map((r) => r.key),
    ).toEqual(["test/2/window/kg0", "test/2/window/kg1"]);
  });
});

describe("abort", () => {
  test("abort rejects the pending and queued checkpoints, releases sinks at their end, and refuses new ones", async () => {
    const { coordinator, acknowledge } = setUp({ sinks: ["sink-1", "sink-2", "sink-3"] });
    const pending = coordinator.trigger()!;
    const queued = coordinator.trigger("savepoint", "queued")!;
    const joined = (await coordinator.checkpointAtEnd("sink-3"))!;
    acknowledge(1, undefined, ["sink-1"]);
    const waiting = coordinator.checkpointAtEnd("sink-1");
    const reason = new CheckpointFailedError("stopped");
    coordinator.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expect(queued).rejects.toBe(reason);
    expect(await joined.outcome).toBe("abandoned");
    expect(await waiting).toBeUndefined();
    expect(coordinator.trigger()).toBeUndefined();
    await expect(coordinator.trigger("savepoint")).rejects.toBe(reason);
    expect(await coordinator.checkpointAtEnd("sink-2")).toBeUndefined();
  });

  test("a store write in flight when the job stops may land, but no sink hears of it", async () => {
    const { store, coordinator, acknowledge, notified, metrics } = setUp();
    const held = store.holdNext();
    const done = coordinator.trigger()!;
    acknowledge(1);
    await settle();
    coordinator.abort(new Error("stopped"));
    held.release();
    await expect(done).rejects.toThrow("stopped");
    await settle();
    expect((await store.checkpoints("test")).map((m) => m.checkpointId)).toEqual([1]);
    expect({ notified, completed: metrics.completed }).toEqual({ notified: [], completed: 0 });
  });
});

describe("the last sink (the job's dead-letter sink)", () => {
  test("gets its barrier once every other sink has acknowledged, and completes the checkpoint", async () => {
    const { coordinator, acknowledge, lastSinkBarriers, notified } = setUp({ lastSink: "dead-letters" });
    const done = coordinator.trigger()!;
    acknowledge(1, undefined, ["sink-1"]);
    expect(lastSinkBarriers).toEqual([]);
    acknowledge(1, undefined, ["sink-2"]);
    expect(lastSinkBarriers).toEqual([1]);
    await settle();
    expect(notified).toEqual([]);
    coordinator.acknowledgeSink("dead-letters", 1, "flushed");
    expect(Object.keys((await done).sinks)).toEqual(["sink-1", "sink-2", "dead-letters"]);
  });

  test("a last sink that joined at its end gets no barrier", async () => {
    const { coordinator, acknowledge, lastSinkBarriers } = setUp({ lastSink: "dead-letters" });
    const done = coordinator.trigger()!;
    const join = (await coordinator.checkpointAtEnd("dead-letters"))!;
    acknowledge(1);
    expect(lastSinkBarriers).toEqual([]);
    coordinator.acknowledgeSink("dead-letters", join.checkpointId, "end");
    await done;
    expect(await join.outcome).toBe("stored");
  });
});
