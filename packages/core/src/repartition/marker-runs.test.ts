import { describe, expect, test } from "vitest";
import { silentLogger } from "../logging/logger.ts";
import { OperatorMetrics } from "../runtime/metrics.ts";
import type { Output } from "../runtime/operator.ts";
import type { SourceContext, SourceEvent, SplittableSource } from "../runtime/source.ts";
import { v8Serde } from "../state/serde.ts";
import { VirtualClock } from "../time/clock.ts";
import { decodeEnvelope } from "./envelope.ts";
import { numberedSource, RecordNumbering } from "./record-numbering.ts";
import { repartitionReaderOperator } from "./repartition-reader.ts";
import {
  type OutgoingMessage,
  repartitionWriterOperator,
  WATERMARK_HEARTBEAT_MS,
} from "./repartition-writer.ts";
import { testOperatorContext } from "./test-support/operator-context.ts";
import { UpstreamEnds } from "./upstream-ends.ts";

/** A source over splits `a` and `b` whose reads hand out `events` in turn, then wait. */
function scriptedSource(events: SourceEvent<number>[]): SplittableSource<number> {
  return {
    name: "clicks",
    bounded: false,
    listSplits: () => [{ id: "a" }, { id: "b" }],
    open: async () => ({ next: async () => events.shift() ?? new Promise<never>(() => {}) }),
  };
}

const openContext = (
  assigned: readonly string[],
  restoredPositions = new Map<string, unknown>(),
): SourceContext => ({
  clock: new VirtualClock(),
  logger: silentLogger,
  metrics: new OperatorMetrics("clicks"),
  deadLetters: { send: () => {} } as unknown as SourceContext["deadLetters"],
  restoredPositions,
  assignedSplits: new Set(assigned),
  signal: new AbortController().signal,
});

/**
 * One worker's run of stage 0: the numbered source over the `leases` it holds (their counters as
 * the cluster run hands them over) and the writer operator; `sent` collects the messages it writes.
 */
async function writerRun(
  numbering: RecordNumbering,
  leases: ReadonlyArray<readonly [split: string, counter: number]>,
  events: SourceEvent<number>[],
  restoredPositions = new Map<string, unknown>(),
) {
  const writerNumbering = numbering.writer("per-value");
  numbering.leased(leases.map(([leaseKey, leaseCounter]) => ({ leaseKey, leaseCounter })));
  const source = await numberedSource(scriptedSource(events), numbering).open(
    openContext(
      leases.map(([split]) => split),
      restoredPositions,
    ),
  );
  const clock = new VirtualClock();
  const sent: OutgoingMessage[] = [];
  const output = {
    emit: (message: OutgoingMessage) => sent.push(message),
  } as unknown as Output<OutgoingMessage>;
  const operator = repartitionWriterOperator({
    keyOf: (value) => String(value),
    numbering: writerNumbering,
    serde: v8Serde,
    sourceId: "clicks",
  })(testOperatorContext("repartition-writer", clock, 8), output);
  return { source, operator, clock, sent };
}

/** The reader operator of one shard; what it hands on, in order: records (by event time) and watermarks. */
function readerRun() {
  const handed: Array<{ readonly record: number } | { readonly watermark: number }> = [];
  const output = {
    emit: (_value: unknown, timestamp: number) => handed.push({ record: timestamp }),
    emitWatermark: (watermark: number) => handed.push({ watermark }),
  } as unknown as Output<unknown>;
  const operator = repartitionReaderOperator({
    keyOf: (value) => String(value),
    serde: v8Serde,
    upstreamSplits: () => ["a", "b"],
    ends: new UpstreamEnds(),
    sourceId: "repartition-in(per-value)",
  })(testOperatorContext("repartition-reader", new VirtualClock(), 8), output);
  const read = (...messages: OutgoingMessage[]) =>
    operator.processBatch({
      kind: "data",
      values: messages.map((message) => message.data),
      timestamps: messages.map(() => Number.NaN),
      split: "repartition-in(per-value)/shard-0",
    });
  return { read, handed };
}

describe("markers of a split's old run delivered after its new run's", () => {
  test("a split handed to another worker, its old run's idle read late: no window fires before its records", async () => {
    // Worker x holds a and b (lease counters 5). It reads a record of each, event time moves to
    // 1 000, then b goes idle and a moves on to 9 000.
    const x = await writerRun(
      new RecordNumbering(),
      [
        ["a", 5],
        ["b", 5],
      ],
      [
        { kind: "data", split: "a", values: [1], timestamps: [1_000], position: 1 },
        { kind: "data", split: "b", values: [2], timestamps: [1_000], position: 1 },
      ],
    );
    await x.source.next();
    x.operator.processBatch({ kind: "data", values: [1], timestamps: [1_000], split: "clicks/a" });
    const b = (await x.source.next()) as { readonly position: unknown };
    x.operator.processBatch({ kind: "data", values: [2], timestamps: [1_000], split: "clicks/b" });
    x.operator.processWatermark!(1_000);
    const checkpointOfB = structuredClone(b.position); // b's published checkpoint
    x.operator.processSplitStatus!({ kind: "split-status", split: "clicks/b", status: "idle" });
    x.clock.advanceTo(WATERMARK_HEARTBEAT_MS);
    x.operator.processWatermark!(9_000);
    x.clock.advanceTo(2 * WATERMARK_HEARTBEAT_MS);
    const idleOfX = x.sent.find((message) => decodeEnvelope(message.data, v8Serde).kind === "idle")!;
    expect(decodeEnvelope(idleOfX.data, v8Serde)).toEqual({ kind: "idle", split: "b", run: [5, 1] });

    // b moves to worker y (its take moved the counter to 7): y restores it from its checkpoint,
    // sends its watermark there, and reads a record at 1 500 x had not read.
    const y = await writerRun(
      new RecordNumbering(),
      [["b", 7]],
      [{ kind: "data", split: "b", values: [3], timestamps: [1_500], position: 2 }],
      new Map([["b", checkpointOfB]]),
    );
    y.clock.advanceTo(WATERMARK_HEARTBEAT_MS);
    await y.source.next();
    y.operator.processBatch({ kind: "data", values: [3], timestamps: [1_500], split: "clicks/b" });
    const [floorOfY, activeOfY, recordOfY] = y.sent;
    expect(decodeEnvelope(activeOfY!.data, v8Serde)).toEqual({ kind: "active", split: "b", run: [7, 1] });
    expect(decodeEnvelope(floorOfY!.data, v8Serde)).toEqual({
      kind: "watermark",
      splits: ["b"],
      at: 1_000,
      runs: [[7, 1]],
    });

    // The shard holds x's markers and records, y's floor and announcement, then x's idle —
    // retried by x's write queue after y's puts — then y's record.
    const reader = readerRun();
    const ofX = x.sent.filter((message) => message !== idleOfX);
    reader.read(...ofX, floorOfY!, activeOfY!);
    reader.read(idleOfX);
    reader.read(recordOfY!);
    const handedBefore = reader.handed.slice(
      0,
      reader.handed.findIndex((h) => "record" in h && h.record === 1_500),
    );
    // The window [1 000, 2 000) holding b's record has not fired before it: the reader's watermark
    // stayed at b's, 1 000, though x's idle left only a, at 9 000, in x's run.
    expect(handedBefore).toContainEqual({ record: 1_000 });
    expect(handedBefore.filter((h) => "watermark" in h)).toEqual([{ watermark: 1_000 }]);
  });

  test("a record of a split's old run put late, after its new run went idle, does not hold the windows", async () => {
    // Worker x holds a and b (counters 5): a record of each at 1 000, then b goes idle in x.
    const x = await writerRun(
      new RecordNumbering(),
      [
        ["a", 5],
        ["b", 5],
      ],
      [
        { kind: "data", split: "a", values: [1], timestamps: [1_000], position: 1 },
        { kind: "data", split: "b", values: [2], timestamps: [1_000], position: 1 },
      ],
    );
    await x.source.next();
    x.operator.processBatch({ kind: "data", values: [1], timestamps: [1_000], split: "clicks/a" });
    const b = (await x.source.next()) as { readonly position: unknown };
    x.operator.processBatch({ kind: "data", values: [2], timestamps: [1_000], split: "clicks/b" });
    x.operator.processWatermark!(1_000);
    const checkpointOfB = structuredClone(b.position);
    const lateRecord = x.sent.find((message) => message.split === "b")!; // its put is retried
    x.operator.processSplitStatus!({ kind: "split-status", split: "clicks/b", status: "idle" });
    x.clock.advanceTo(WATERMARK_HEARTBEAT_MS);
    x.operator.processWatermark!(9_000);
    x.clock.advanceTo(2 * WATERMARK_HEARTBEAT_MS);
    const xBeforeTheRecord = x.sent.filter((message) => message !== lateRecord);

    // b moves to y (counter 7), restored after its record: y sends b's floor, then b goes idle.
    const y = await writerRun(new RecordNumbering(), [["b", 7]], [], new Map([["b", checkpointOfB]]));
    y.clock.advanceTo(WATERMARK_HEARTBEAT_MS);
    y.operator.processSplitStatus!({ kind: "split-status", split: "clicks/b", status: "idle" });
    expect(y.sent.map((message) => decodeEnvelope(message.data, v8Serde))).toEqual([
      { kind: "watermark", splits: ["b"], at: 1_000, runs: [[7, 1]] },
      { kind: "idle", split: "b", run: [7, 1] },
    ]);

    // The shard: x's messages, y's, then x's record of b, then a moving on in x.
    const reader = readerRun();
    reader.read(...xBeforeTheRecord, ...y.sent);
    reader.read(lateRecord);
    x.operator.processWatermark!(15_000);
    x.clock.advanceTo(3 * WATERMARK_HEARTBEAT_MS);
    reader.read(...x.sent.slice(xBeforeTheRecord.length + 1));
    // b is idle in its newest run: the windows go on with a (before: x's record woke b, at 1 000,
    // and every window waited for it until it woke).
    expect(reader.handed.filter((h) => "watermark" in h)).toEqual([
      { watermark: 9_000 },
      { watermark: 15_000 },
    ]);
  });

  test("each run announces its splits (active, with its run) before its first record", async () => {
    const x = await writerRun(
      new RecordNumbering(),
      [
        ["a", 5],
        ["b", 6],
      ],
      [{ kind: "data", split: "a", values: [1], timestamps: [1_000], position: 1 }],
    );
    await x.source.next();
    x.operator.processBatch({ kind: "data", values: [1], timestamps: [1_000], split: "clicks/a" });
    x.operator.processSplitStatus!({ kind: "split-status", split: "clicks/a", status: "idle" });
    x.operator.processSplitStatus!({ kind: "split-status", split: "clicks/a", status: "active" });
    expect(x.sent.map((message) => decodeEnvelope(message.data, v8Serde))).toEqual([
      { kind: "active", split: "a", run: [5, 1] },
      { kind: "active", split: "b", run: [6, 1] },
      { kind: "record", split: "a", id: 1, timestamp: 1_000, value: 1 },
      { kind: "idle", split: "a", run: [5, 1] },
      { kind: "active", split: "a", run: [5, 1] },
    ]);
  });

  test("the runs of a split: its lease counter when the run started, then the worker's pipeline generation", async () => {
    const numbering = new RecordNumbering();
    const first = await writerRun(numbering, [["b", 5]], []);
    expect(numbering.runOf("b")).toEqual([5, 1]);
    first.operator.close?.();
    // The pipeline restarts on the same worker (another lease changed): b's counter did not move.
    const second = await writerRun(numbering, [["b", 5]], []);
    expect(numbering.runOf("b")).toEqual([5, 2]);
    second.operator.processSplitStatus!({ kind: "split-status", split: "clicks/b", status: "idle" });
    expect(second.sent.map((message) => decodeEnvelope(message.data, v8Serde))).toEqual([
      { kind: "idle", split: "b", run: [5, 2] },
    ]);
    second.operator.close?.();
    // The split's next holder took the lease (counter 6): its first run, generation 1, is newer.
    const elsewhere = new RecordNumbering();
    await writerRun(elsewhere, [["b", 6]], []);
    expect(elsewhere.runOf("b")).toEqual([6, 1]);
  });
});
