import { describe, expect, test } from "vitest";
import { silentLogger } from "../logging/logger.ts";
import { OperatorMetrics } from "../runtime/metrics.ts";
import type { Output } from "../runtime/operator.ts";
import type { SourceEvent, SplittableSource } from "../runtime/source.ts";
import { v8Serde } from "../state/serde.ts";
import { VirtualClock } from "../time/clock.ts";
import { decodeEnvelope, type Envelope } from "./envelope.ts";
import { numberedSource, RecordNumbering } from "./record-numbering.ts";
import {
  type OutgoingMessage,
  repartitionWriterOperator,
  WATERMARK_HEARTBEAT_MS,
} from "./repartition-writer.ts";
import { testOperatorContext } from "./test-support/operator-context.ts";

/** A source of one split, `a`, whose reads hand out `events` in turn, then wait. */
function scriptedSource(events: SourceEvent<number>[]): SplittableSource<number> {
  return {
    name: "scripted",
    bounded: false,
    listSplits: () => [{ id: "a" }],
    open: async () => ({ next: async () => events.shift() ?? new Promise<never>(() => {}) }),
  };
}

/** The writer operator over `numbering`, on a virtual clock; the envelopes it emits. */
function writer(numbering: RecordNumbering, clock: VirtualClock) {
  const sent: Envelope[] = [];
  const output = {
    emit: (message: OutgoingMessage) => sent.push(decodeEnvelope(message.data, v8Serde)),
  } as unknown as Output<OutgoingMessage>;
  const context = testOperatorContext("repartition-writer", clock, 8);
  const operator = repartitionWriterOperator({
    keyOf: (value) => String(value),
    numbering: numbering.writer("per-value"),
    serde: v8Serde,
    sourceId: "clicks",
  })(context, output);
  return { operator, sent };
}

const openContext = (restoredPositions: Map<string, unknown>) => ({
  clock: new VirtualClock(),
  logger: silentLogger,
  metrics: new OperatorMetrics("writer-source"),
  restoredPositions,
  assignedSplits: new Set(["a"]),
  signal: new AbortController().signal,
});

/** Split a's `events` read through a numbered source, and the writer over its numbering. */
async function writerOver(events: SourceEvent<number>[]) {
  const numbering = new RecordNumbering();
  const source = await numberedSource(scriptedSource(events), numbering).open(
    openContext(new Map()) as never,
  );
  const clock = new VirtualClock();
  return { source, clock, run: writer(numbering, clock) };
}

describe("the repartition writer's watermark floor", () => {
  test("the writer's watermark for a split is kept in its position and sent again, without a record, by the run restored there", async () => {
    // First run: a batch of split a, then a watermark the writer sends.
    const numbering = new RecordNumbering();
    const first = await numberedSource(
      scriptedSource([{ kind: "data", split: "a", values: [1, 2], timestamps: [1_000, 2_000], position: 7 }]),
      numbering,
    ).open(openContext(new Map()) as never);
    const clock = new VirtualClock();
    const run1 = writer(numbering, clock);
    const batch = (await first.next())!;
    expect(batch.kind).toBe("data");
    run1.operator.processBatch({
      kind: "data",
      values: [1, 2],
      timestamps: [1_000, 2_000],
      split: "clicks/a",
    });
    run1.operator.processWatermark!(1_500);
    expect(run1.sent.filter((e) => e.kind === "watermark")).toEqual([
      { kind: "watermark", splits: ["a"], at: 1_500, runs: [[0, 1]] },
    ]);
    // What a checkpoint after that batch stores for the split: the count and the watermark.
    const position = (batch as { position: unknown }).position;
    expect(position).toEqual({ inner: 7, numbered: { "per-value": 2 }, watermark: { "per-value": 1_500 } });
    run1.operator.close?.();

    // Second run, restored there, with nothing left to read in split a: the floor is sent with
    // the heartbeat — without it the split would stay at -Infinity and hold every window below.
    const restarted = new RecordNumbering();
    const clock2 = new VirtualClock();
    const run2 = writer(restarted, clock2);
    clock2.advanceTo(WATERMARK_HEARTBEAT_MS);
    // Before the source opened, it knows of no split: nothing is sent.
    expect(run2.sent).toEqual([]);
    await numberedSource(scriptedSource([]), restarted).open(
      openContext(new Map([["a", structuredClone(position)]])) as never,
    );
    clock2.advanceTo(3 * WATERMARK_HEARTBEAT_MS);
    expect(run2.sent.length).toBeGreaterThan(0);
    expect(new Set(run2.sent.map((e) => JSON.stringify(e)))).toEqual(
      new Set([JSON.stringify({ kind: "watermark", splits: ["a"], at: 1_500, runs: [[0, 1]] })]),
    );
    run2.operator.close?.();
  });

  test("a watermark not sent yet (held back by the marker interval) is kept in the position all the same", async () => {
    // A run stopped at a checkpoint runs no timer after its barrier: the held-back marker never
    // goes, and a run restored there must start from the newer watermark, not the one sent.
    const { source, run } = await writerOver([
      { kind: "data", split: "a", values: [1], timestamps: [1_000], position: 1 },
      { kind: "data", split: "a", values: [2], timestamps: [9_000], position: 2 },
    ]);
    await source.next();
    run.operator.processBatch({ kind: "data", values: [1], timestamps: [1_000], split: "clicks/a" });
    run.operator.processWatermark!(999);
    const second = await source.next();
    run.operator.processBatch({ kind: "data", values: [2], timestamps: [9_000], split: "clicks/a" });
    run.operator.processWatermark!(8_999);
    expect(run.sent.filter((e) => e.kind === "watermark").map((e) => e.kind === "watermark" && e.at)).toEqual(
      [999],
    );
    expect((second as { position: unknown }).position).toEqual({
      inner: 2,
      numbered: { "per-value": 2 },
      watermark: { "per-value": 8_999 },
    });
    run.operator.close?.();
  });

  test("a split without a watermark at its position holds the floor of every split of the run at -Infinity", () => {
    const numbering = new RecordNumbering();
    const writer = numbering.writer("per-value");
    numbering.reset();
    numbering.restore("a", { inner: 1, numbered: { "per-value": 3 }, watermark: { "per-value": 5_000 } });
    numbering.restore("b", { inner: 2, numbered: { "per-value": 0 } });
    numbering.opened();
    expect(writer.floor()).toBe(Number.NEGATIVE_INFINITY);
    numbering.restore("b", { inner: 2, numbered: { "per-value": 0 }, watermark: { "per-value": 4_000 } });
    expect(writer.floor()).toBe(4_000);
    // A new run forgets it until its source opens again.
    numbering.reset();
    expect(writer.floor()).toBe(Number.NEGATIVE_INFINITY);
  });
});

describe("the repartition writer's idle splits", () => {
  test("a split gone idle is said idle again with every heartbeat: a reader restarted since (its merge is not checkpointed) would otherwise wait for it at -Infinity", async () => {
    const { source, clock, run } = await writerOver([
      { kind: "data", split: "a", values: [1], timestamps: [1_000], position: 1 },
    ]);
    await source.next();
    run.operator.processBatch({ kind: "data", values: [1], timestamps: [1_000], split: "clicks/a" });
    run.operator.processSplitStatus!({ kind: "split-status", split: "clicks/a", status: "idle" });
    const idles = () => run.sent.filter((e) => e.kind === "idle" && e.split === "a").length;
    expect(idles()).toBe(1);
    clock.advanceTo(3 * WATERMARK_HEARTBEAT_MS);
    expect(idles()).toBeGreaterThanOrEqual(3);
    // Active again: no more idle markers for it.
    run.operator.processSplitStatus!({ kind: "split-status", split: "clicks/a", status: "active" });
    const before = idles();
    clock.advanceTo(6 * WATERMARK_HEARTBEAT_MS);
    expect(idles()).toBe(before);
    run.operator.close?.();
  });
});
