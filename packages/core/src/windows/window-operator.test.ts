import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import type { KeyedStream } from "../dsl/keyed-stream.ts";
import { OperatorError, PipelineDefinitionError } from "../runtime/errors.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import { createTestHarness, type TestHarness, type TimestampedValue } from "../testing/index.ts";
import { global, session, sliding, tumbling, tumblingProcessingTime } from "./assigners.ts";
import type { Trigger } from "./trigger.ts";
import { continuousEventTimeTrigger, countTrigger, purging } from "./triggers.ts";
import type { TimeWindow, WindowResult } from "./window.ts";

interface Ev {
  readonly key: string;
  readonly v: number;
}
const ev = (key: string, v = 1): Ev => ({ key, v });

const count: AggregateFunction<Ev, number, number> = {
  create: () => 0,
  add: (acc) => acc + 1,
  merge: (a, b) => a + b,
  result: (acc) => acc,
};
const sum: AggregateFunction<Ev, number, number> = {
  create: () => 0,
  add: (acc, e) => acc + e.v,
  merge: (a, b) => a + b,
  result: (acc) => acc,
};
/** Keeps the values in accumulation order: shows merge order and what each firing saw. */
const collect: AggregateFunction<Ev, number[], number[]> = {
  create: () => [],
  add: (acc, e) => {
    acc.push(e.v);
    return acc;
  },
  merge: (a, b) => [...a, ...b],
  result: (acc) => [...acc],
};

const late = new OutputTag<Ev>("late");
const errors = new OutputTag<FailedRecord<Ev>>("errors");

type Result<R> = TimestampedValue<WindowResult<string, TimeWindow, R>>;
const res = <R>(key: string, start: number, end: number, value: R): Result<R> => ({
  value: { key, window: { start, end }, value },
  timestamp: end - 1,
});

const harness = <R>(build: (keyed: KeyedStream<Ev, string>) => DataStream<R>): TestHarness<Ev, R> =>
  createTestHarness((input: DataStream<Ev>) => build(input.keyBy((e) => e.key)));

const OPERATOR = /^window\(/;
const metricsOf = (h: TestHarness<Ev, unknown>) => {
  const entry = Object.entries(h.metrics()).find(([name]) => OPERATOR.test(name));
  if (entry === undefined) throw new Error("no window operator metrics");
  return entry[1];
};

/** A scripted run: records, watermarks, processing time, and where to snapshot and restore. */
type Step =
  | { readonly at: number; readonly e: Ev }
  | { readonly wm: number }
  | { readonly pt: number }
  | { readonly end: true };

async function play<R>(h: TestHarness<Ev, R>, steps: readonly Step[], restoreBefore: (i: number) => boolean) {
  for (let i = 0; i < steps.length; i++) {
    if (restoreBefore(i)) await h.snapshotAndRestore();
    const step = steps[i]!;
    if ("e" in step) await h.processElement(step.e, step.at);
    else if ("wm" in step) await h.processWatermark(step.wm);
    else if ("pt" in step) await h.setProcessingTime(step.pt);
    else await h.endInput();
  }
  const { watermark: _ignored, ...counters } = metricsOf(h as TestHarness<Ev, unknown>);
  return { output: h.output(), late: h.sideOutput(late), errors: h.sideOutput(errors), counters };
}

/** Snapshot-and-restore before any one step, and before every step, changes nothing. */
async function expectRestoreInvisible<R>(
  build: (keyed: KeyedStream<Ev, string>) => DataStream<R>,
  steps: readonly Step[],
) {
  const plain = await play(harness(build), steps, () => false);
  expect(plain.output.length).toBeGreaterThan(0);
  for (let k = 0; k <= steps.length; k++) {
    expect(await play(harness(build), steps, (i) => i === k), `restored before step ${k}`).toEqual(plain);
  }
  expect(await play(harness(build), steps, () => true), "restored before every step").toEqual(plain);
  return plain;
}

describe("tumbling event-time windows", () => {
  const build = (keyed: KeyedStream<Ev, string>) => keyed.window(tumbling(10)).aggregate(count);

  test("empty input: no results, the final watermark passes", async () => {
    const h = harness(build);
    await h.endInput();
    expect(h.output()).toEqual([]);
    expect(h.watermarks()).toEqual([Number.POSITIVE_INFINITY]);
  });

  test("one record: one result at end − 1 once the watermark gets there", async () => {
    const h = harness(build);
    await h.processElement(ev("a"), 3);
    await h.processWatermark(8);
    expect(h.output()).toEqual([]);
    await h.processWatermark(9);
    expect(h.output()).toEqual([res("a", 0, 10, 1)]);
    await h.endInput();
    expect(h.output()).toHaveLength(1);
  });

  test("a watermark past end − 1 fires the window too", async () => {
    const h = harness(build);
    await h.processElement(ev("a"), 3);
    await h.processWatermark(10);
    expect(h.output()).toEqual([res("a", 0, 10, 1)]);
  });

  test("many keys and windows, out of order within the watermark: firings in time order", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).aggregate(sum));
    await h.processElements([
      { value: ev("a", 1), timestamp: 12 },
      { value: ev("b", 2), timestamp: 5 },
      { value: ev("a", 3), timestamp: 1 },
      { value: ev("b", 4), timestamp: 9 },
      { value: ev("a", 5), timestamp: 10 },
      { value: ev("b", 6), timestamp: 25 },
    ]);
    await h.processWatermark(15);
    expect(h.output()).toEqual([res("b", 0, 10, 6), res("a", 0, 10, 3)]);
    await h.processElement(ev("a", 7), 19);
    await h.endInput();
    expect(h.output().slice(2)).toEqual([res("a", 10, 20, 13), res("b", 20, 30, 6)]);
    expect(metricsOf(h)).toMatchObject({ recordsIn: 7, recordsOut: 4, lateRecordsDropped: 0 });
  });

  test("results go downstream before the watermark that fired them", async () => {
    const h = harness((keyed) =>
      keyed
        .window(tumbling(10))
        .aggregate(count)
        .process<number>({ processElement: (_r, ctx) => ctx.emit(ctx.currentWatermark()) }),
    );
    await h.processElement(ev("a"), 3);
    await h.processWatermark(2);
    await h.processWatermark(20);
    // The downstream operator still had the previous watermark when the result arrived.
    expect(h.values()).toEqual([2]);
  });

  test("negative timestamps and offsets", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10, -3)).aggregate(collect));
    await h.processElement(ev("a", 1), -14);
    await h.processElement(ev("a", 2), -13);
    await h.processElement(ev("a", 3), -4);
    await h.processElement(ev("a", 4), 6);
    await h.processElement(ev("a", 5), 7);
    await h.endInput();
    expect(h.output()).toEqual([
      res("a", -23, -13, [1]),
      res("a", -13, -3, [2, 3]),
      res("a", -3, 7, [4]),
      res("a", 7, 17, [5]),
    ]);
  });

  test("a record after its window fired is late: side output, counted", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).sideOutputLateData(late).aggregate(count));
    await h.processElement(ev("a"), 3);
    await h.processWatermark(9);
    await h.processElement(ev("a", 7), 9);
    await h.processElement(ev("a"), 10);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 0, 10, 1), res("a", 10, 20, 1)]);
    expect(h.sideOutput(late)).toEqual([{ value: ev("a", 7), timestamp: 9 }]);
    expect(metricsOf(h)).toMatchObject({ lateRecordsSideOutput: 1, lateRecordsDropped: 0 });
  });

  test("without a late side output, late records are counted as dropped", async () => {
    const h = harness(build);
    await h.processWatermark(100);
    await h.processElement(ev("a"), 50);
    await h.processElement(ev("b"), 99);
    await h.endInput();
    expect(h.output()).toEqual([]);
    expect(metricsOf(h)).toMatchObject({ lateRecordsSideOutput: 0, lateRecordsDropped: 2 });
  });

  test("allowed lateness: a late record re-fires its window at once with the updated result", async () => {
    const h = harness((keyed) =>
      keyed.window(tumbling(10)).allowedLateness(5).sideOutputLateData(late).aggregate(collect),
    );
    await h.processElement(ev("a", 1), 3);
    await h.processWatermark(9);
    expect(h.output()).toEqual([res("a", 0, 10, [1])]);
    await h.processElement(ev("a", 2), 4);
    expect(h.output()).toEqual([res("a", 0, 10, [1]), res("a", 0, 10, [1, 2])]);
    await h.processWatermark(13);
    await h.processElement(ev("a", 3), 0);
    expect(h.output()).toHaveLength(3);
    expect(h.output()[2]).toEqual(res("a", 0, 10, [1, 2, 3]));
    // Cleanup at end − 1 + lateness = 14: from then on the window is gone.
    await h.processWatermark(14);
    await h.processElement(ev("a", 4), 9);
    await h.endInput();
    expect(h.output()).toHaveLength(3);
    expect(h.sideOutput(late)).toEqual([{ value: ev("a", 4), timestamp: 9 }]);
  });

  test("an allowed-late record that opens a new window fires it at once", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).allowedLateness(20).aggregate(count));
    await h.processWatermark(15);
    await h.processElement(ev("a"), 2);
    expect(h.output()).toEqual([res("a", 0, 10, 1)]);
  });

  test("lateness 0: the window fires, then is cleared, on the same watermark", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).sideOutputLateData(late).aggregate(count));
    await h.processElement(ev("a"), 3);
    await h.processElement(ev("a"), 4);
    await h.processWatermark(9);
    await h.processElement(ev("a"), 5);
    await h.processElement(ev("a"), 12);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 0, 10, 2), res("a", 10, 20, 1)]);
    expect(h.sideOutput(late)).toHaveLength(1);
  });

  test("a record without a finite event time fails the job, naming the operator", async () => {
    const h = harness(build);
    await expect(h.processElement(ev("a"), Number.NaN)).rejects.toThrow(
      /window\(tumbling\(10\)\)\.aggregate.*no valid event time.*withWatermarks/,
    );
  });

  test("a record without a finite event time goes to the error output when there is one", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).aggregate(count, { errors }));
    await h.processElement(ev("a"), Number.POSITIVE_INFINITY);
    await h.processElement(ev("a"), 1);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 0, 10, 1)]);
    expect(h.sideOutput(errors)).toEqual([
      {
        value: {
          value: ev("a"),
          timestamp: Number.POSITIVE_INFINITY,
          operator: expect.stringMatching(OPERATOR),
          error: expect.stringContaining("no valid event time"),
        },
        timestamp: Number.POSITIVE_INFINITY,
      },
    ]);
  });

  test("snapshot and restore anywhere gives the same results", async () => {
    const plain = await expectRestoreInvisible(
      (keyed) => keyed.window(tumbling(10)).sideOutputLateData(late).aggregate(sum),
      [
        { at: 1, e: ev("a", 1) },
        { at: 12, e: ev("b", 2) },
        { at: 5, e: ev("a", 3) },
        { wm: 9 },
        { at: 8, e: ev("a", 100) },
        { at: 15, e: ev("b", 4) },
        { at: 14, e: ev("a", 5) },
        { wm: 25 },
        { at: 31, e: ev("c", 6) },
        { end: true },
      ],
    );
    expect(plain.output).toEqual([
      res("a", 0, 10, 4),
      res("b", 10, 20, 6),
      res("a", 10, 20, 5),
      res("c", 30, 40, 6),
    ]);
    expect(plain.late).toEqual([{ value: ev("a", 100), timestamp: 8 }]);
  });

  test("snapshot and restore with allowed lateness gives the same results", async () => {
    const plain = await expectRestoreInvisible(
      (keyed) => keyed.window(tumbling(10)).allowedLateness(10).sideOutputLateData(late).aggregate(collect),
      [
        { at: 1, e: ev("a", 1) },
        { at: 2, e: ev("b", 2) },
        { wm: 12 },
        { at: 3, e: ev("a", 3) },
        { at: 13, e: ev("a", 4) },
        { wm: 18 },
        { at: 4, e: ev("b", 5) },
        { wm: 19 },
        { at: 5, e: ev("a", 6) },
        { end: true },
      ],
    );
    expect(plain.output).toEqual([
      res("a", 0, 10, [1]),
      res("b", 0, 10, [2]),
      res("a", 0, 10, [1, 3]),
      res("b", 0, 10, [2, 5]),
      res("a", 10, 20, [4]),
    ]);
    expect(plain.late).toEqual([{ value: ev("a", 6), timestamp: 5 }]);
  });
});

describe("sliding event-time windows", () => {
  test("a record counts in every window that holds it", async () => {
    const h = harness((keyed) => keyed.window(sliding(10, 5)).aggregate(collect));
    await h.processElement(ev("a", 1), 3);
    await h.processElement(ev("a", 2), 7);
    await h.processElement(ev("a", 3), 12);
    await h.endInput();
    expect(h.output()).toEqual([
      res("a", -5, 5, [1]),
      res("a", 0, 10, [1, 2]),
      res("a", 5, 15, [2, 3]),
      res("a", 10, 20, [3]),
    ]);
  });

  test("negative timestamps with an offset", async () => {
    const h = harness((keyed) => keyed.window(sliding(6, 3, -1)).aggregate(count));
    await h.processElement(ev("a"), -5);
    await h.endInput();
    expect(h.output()).toEqual([res("a", -10, -4, 1), res("a", -7, -1, 1)]);
  });

  test("a late record joins its windows that are not late, and is not side output", async () => {
    const h = harness((keyed) => keyed.window(sliding(10, 5)).sideOutputLateData(late).aggregate(collect));
    await h.processElement(ev("a", 1), 6);
    await h.processWatermark(9);
    expect(h.output()).toEqual([res("a", 0, 10, [1])]);
    // 7 is behind the watermark; its window [0, 10) is late, [5, 15) is not.
    await h.processElement(ev("a", 2), 7);
    await h.processElement(ev("a", 3), 2);
    await h.endInput();
    expect(h.output().slice(1)).toEqual([res("a", 5, 15, [1, 2])]);
    expect(h.sideOutput(late)).toEqual([{ value: ev("a", 3), timestamp: 2 }]);
  });

  test("snapshot and restore anywhere gives the same results", async () => {
    const plain = await expectRestoreInvisible(
      (keyed) => keyed.window(sliding(10, 5)).allowedLateness(3).sideOutputLateData(late).aggregate(sum),
      [
        { at: 1, e: ev("a", 1) },
        { at: 7, e: ev("b", 2) },
        { at: 11, e: ev("a", 3) },
        { wm: 9 },
        { at: 3, e: ev("a", 4) },
        { wm: 13 },
        { at: 4, e: ev("b", 5) },
        { at: 16, e: ev("b", 6) },
        { end: true },
      ],
    );
    expect(plain.output).toContainEqual(res("a", 0, 10, 5));
    expect(plain.late).toEqual([{ value: ev("b", 5), timestamp: 4 }]);
  });
});

describe("session windows", () => {
  const build = (keyed: KeyedStream<Ev, string>) =>
    keyed.window(session(10)).sideOutputLateData(late).aggregate(collect);

  test("records within the gap form one session; a longer pause starts another", async () => {
    const h = harness(build);
    await h.processElement(ev("a", 1), 0);
    await h.processElement(ev("a", 2), 5);
    await h.processElement(ev("b", 3), 7);
    await h.processElement(ev("a", 4), 30);
    await h.processWatermark(9);
    // The timer of the first window [0, 10) went with it when [5, 15) merged in.
    expect(h.output()).toEqual([]);
    await h.processWatermark(14);
    expect(h.output()).toEqual([res("a", 0, 15, [1, 2])]);
    await h.endInput();
    expect(h.output().slice(1)).toEqual([res("b", 7, 17, [3]), res("a", 30, 40, [4])]);
  });

  test("windows that only touch merge", async () => {
    const h = harness(build);
    await h.processElement(ev("a", 1), 0);
    await h.processElement(ev("a", 2), 10);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 0, 20, [1, 2])]);
  });

  test("a record inside a session does not change it", async () => {
    const h = harness(build);
    await h.processElement(ev("a", 1), 0);
    await h.processElement(ev("a", 2), 8);
    await h.processElement(ev("a", 3), 0);
    await h.processElement(ev("a", 4), 4);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 0, 18, [1, 2, 3, 4])]);
  });

  test("a record that bridges two sessions merges them, earlier window first", async () => {
    const h = harness(build);
    await h.processElement(ev("a", 1), 20);
    await h.processElement(ev("a", 2), 0);
    await h.processElement(ev("a", 3), 10);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 0, 30, [2, 1, 3])]);
  });

  test("negative timestamps", async () => {
    const h = harness(build);
    await h.processElement(ev("a", 1), -25);
    await h.processElement(ev("a", 2), -16);
    await h.processElement(ev("a", 3), -5);
    await h.endInput();
    expect(h.output()).toEqual([res("a", -25, -6, [1, 2]), res("a", -5, 5, [3])]);
  });

  test("a late record that touches a live session joins it; one that opens a late session is late", async () => {
    const h = harness(build);
    await h.processElement(ev("a", 1), 10);
    await h.processWatermark(12);
    // [-3, 7) is late on its own but touches [10, 20)? No: it ends at 7. It is late.
    await h.processElement(ev("a", 2), -3);
    // [1, 11) overlaps [10, 20): merged into [1, 20), which is not late.
    await h.processElement(ev("a", 3), 1);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 1, 20, [1, 3])]);
    expect(h.sideOutput(late)).toEqual([{ value: ev("a", 2), timestamp: -3 }]);
  });

  test("with allowed lateness a late record extends a fired session, which fires again at its new end", async () => {
    const h = harness((keyed) => keyed.window(session(10)).allowedLateness(5).aggregate(collect));
    await h.processElement(ev("a", 1), 0);
    await h.processWatermark(9);
    expect(h.output()).toEqual([res("a", 0, 10, [1])]);
    await h.processElement(ev("a", 2), 3);
    expect(h.output()).toHaveLength(1);
    await h.processWatermark(12);
    expect(h.output()).toEqual([res("a", 0, 10, [1]), res("a", 0, 13, [1, 2])]);
    // Inside the merged window, after its end: fires at once.
    await h.processElement(ev("a", 3), 2);
    expect(h.output()[2]).toEqual(res("a", 0, 13, [1, 2, 3]));
  });

  test("a count trigger's counts add up when sessions merge", async () => {
    const h = harness((keyed) => keyed.window(session(10)).trigger(countTrigger(3)).aggregate(collect));
    await h.processElement(ev("a", 1), 0);
    await h.processElement(ev("a", 2), 20);
    expect(h.output()).toEqual([]);
    await h.processElement(ev("a", 3), 10);
    expect(h.output()).toEqual([res("a", 0, 30, [1, 2, 3])]);
  });

  test("a trigger without onMerge is refused for session windows", () => {
    const noMerge: Trigger<TimeWindow> = { ...countTrigger(2), description: "custom" };
    delete (noMerge as { onMerge?: unknown }).onMerge;
    expect(() => harness((keyed) => keyed.window(session(10)).trigger(noMerge).aggregate(count))).toThrow(
      PipelineDefinitionError,
    );
  });

  test("snapshot and restore anywhere gives the same results", async () => {
    const plain = await expectRestoreInvisible(
      (keyed) => keyed.window(session(10)).allowedLateness(4).sideOutputLateData(late).aggregate(collect),
      [
        { at: 20, e: ev("a", 1) },
        { at: 0, e: ev("a", 2) },
        { at: 3, e: ev("b", 3) },
        { wm: 10 },
        { at: 10, e: ev("a", 4) },
        { at: 2, e: ev("b", 5) },
        { wm: 16 },
        { at: 1, e: ev("b", 6) },
        { at: 40, e: ev("b", 7) },
        { end: true },
      ],
    );
    expect(plain.output).toEqual([
      res("a", 0, 10, [2]),
      res("b", 2, 13, [3, 5]),
      res("a", 0, 30, [2, 1, 4]),
      res("b", 40, 50, [7]),
    ]);
    expect(plain.late).toEqual([{ value: ev("b", 6), timestamp: 1 }]);
  });
});

describe("global windows", () => {
  test("with the default trigger nothing is emitted, not even at end of input", async () => {
    const h = harness((keyed) => keyed.window(global()).aggregate(count));
    await h.processElement(ev("a"), Number.NaN);
    await h.processElement(ev("a"), 5);
    await h.endInput();
    expect(h.output()).toEqual([]);
    expect(metricsOf(h)).toMatchObject({ recordsIn: 2, lateRecordsDropped: 0, failedRecords: 0 });
  });

  test("a purging count trigger emits batches; the remainder comes out at end of input", async () => {
    const h = harness((keyed) =>
      keyed
        .window(global())
        .trigger(purging(countTrigger(2)))
        .aggregate(collect),
    );
    for (let v = 1; v <= 5; v++) await h.processElement(ev("a", v), v);
    await h.processElement(ev("b", 9), 0);
    expect(h.values().map((r) => r.value)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    await h.endInput();
    expect(h.output().slice(2)).toEqual([
      {
        value: { key: "a", window: global().assignWindows(0)[0], value: [5] },
        timestamp: Number.POSITIVE_INFINITY,
      },
      {
        value: { key: "b", window: global().assignWindows(0)[0], value: [9] },
        timestamp: Number.POSITIVE_INFINITY,
      },
    ]);
  });

  test("a count trigger without purging emits running results; records since the last firing come out at the end", async () => {
    const h = harness((keyed) => keyed.window(global()).trigger(countTrigger(2)).aggregate(count));
    for (let v = 1; v <= 4; v++) await h.processElement(ev("a", v), v);
    await h.processElement(ev("b"), 1);
    await h.processElement(ev("b"), 1);
    expect(h.values().map((r) => r.value)).toEqual([2, 4, 2]);
    await h.endInput();
    // Nothing was added since those firings: nothing more.
    expect(h.values().map((r) => r.value)).toEqual([2, 4, 2]);
  });

  test("snapshot and restore with a count trigger gives the same results", async () => {
    const steps: Step[] = [];
    for (let v = 1; v <= 7; v++) steps.push({ at: v, e: ev(v % 3 === 0 ? "b" : "a", v) });
    steps.push({ end: true });
    const plain = await expectRestoreInvisible(
      (keyed) =>
        keyed
          .window(global())
          .trigger(purging(countTrigger(2)))
          .aggregate(collect),
      steps,
    );
    expect(plain.output.map((r) => r.value.value)).toEqual([[1, 2], [4, 5], [3, 6], [7]]);
  });
});

describe("count triggers on event-time windows", () => {
  test("fire every n records; the window is still cleaned up at its end", async () => {
    const h = harness((keyed) =>
      keyed.window(tumbling(10)).trigger(countTrigger(2)).sideOutputLateData(late).aggregate(count),
    );
    for (const at of [1, 2, 3]) await h.processElement(ev("a"), at);
    expect(h.output()).toEqual([res("a", 0, 10, 2)]);
    // Mid-stream, cleanup drops the record the trigger never fired for, as in Flink.
    await h.processWatermark(9);
    await h.processElement(ev("a"), 4);
    for (const at of [11, 12, 13]) await h.processElement(ev("a"), at);
    await h.endInput();
    // At end of input the remainder of [10, 20) is emitted rather than dropped.
    expect(h.output()).toEqual([res("a", 0, 10, 2), res("a", 10, 20, 2), res("a", 10, 20, 3)]);
    expect(h.sideOutput(late)).toHaveLength(1);
  });

  test("snapshot and restore with a count trigger and lateness gives the same results", async () => {
    await expectRestoreInvisible(
      (keyed) => keyed.window(tumbling(10)).allowedLateness(5).trigger(countTrigger(2)).aggregate(sum),
      [
        { at: 1, e: ev("a", 1) },
        { at: 2, e: ev("a", 2) },
        { at: 3, e: ev("a", 3) },
        { wm: 9 },
        { at: 4, e: ev("a", 4) },
        { at: 12, e: ev("a", 5) },
        { at: 5, e: ev("a", 6) },
        { wm: 20 },
        { at: 25, e: ev("b", 7) },
        { end: true },
      ],
    );
  });
});

describe("continuous event-time trigger", () => {
  test("fires early every interval, then at the end of the window", async () => {
    const h = harness((keyed) =>
      keyed.window(tumbling(20)).trigger(continuousEventTimeTrigger(5)).aggregate(count),
    );
    await h.processElement(ev("a"), 1);
    await h.processElement(ev("a"), 2);
    await h.processWatermark(4);
    expect(h.output()).toEqual([]);
    await h.processWatermark(5);
    expect(h.output()).toEqual([res("a", 0, 20, 2)]);
    await h.processElement(ev("a"), 6);
    await h.processWatermark(12);
    expect(h.output().slice(1)).toEqual([res("a", 0, 20, 3)]);
    await h.processWatermark(19);
    expect(h.output().slice(2)).toEqual([res("a", 0, 20, 3), res("a", 0, 20, 3)]);
  });

  test("snapshot and restore anywhere gives the same results", async () => {
    await expectRestoreInvisible(
      (keyed) => keyed.window(session(10)).trigger(continuousEventTimeTrigger(4)).aggregate(count),
      [
        { at: 1, e: ev("a") },
        { at: 13, e: ev("a") },
        { wm: 5 },
        { at: 7, e: ev("a") },
        { wm: 14 },
        { at: 20, e: ev("b") },
        { end: true },
      ],
    );
  });
});

describe("processing-time windows", () => {
  const build = (keyed: KeyedStream<Ev, string>) =>
    keyed.window(tumblingProcessingTime(10)).aggregate(collect);

  test("windows follow processing time and fire when it reaches end − 1; event time plays no part", async () => {
    const h = harness(build);
    await h.processElement(ev("a", 1), Number.NaN);
    await h.setProcessingTime(8);
    await h.processElement(ev("a", 2), 1000);
    await h.processWatermark(5000);
    expect(h.output()).toEqual([]);
    await h.setProcessingTime(9);
    expect(h.output()).toEqual([res("a", 0, 10, [1, 2])]);
    await h.setProcessingTime(10);
    await h.processElement(ev("a", 3), -1000);
    await h.setProcessingTime(25);
    expect(h.output().slice(1)).toEqual([res("a", 10, 20, [3])]);
  });

  test("windows still open at end of input fire then", async () => {
    const h = harness(build);
    await h.processElement(ev("b", 1), 0);
    await h.setProcessingTime(12);
    await h.processElement(ev("a", 2), 0);
    await h.endInput();
    expect(h.output()).toEqual([res("b", 0, 10, [1]), res("a", 10, 20, [2])]);
  });

  test("snapshot and restore keeps processing-time timers", async () => {
    await expectRestoreInvisible(build, [
      { at: 0, e: ev("a", 1) },
      { pt: 5 },
      { at: 0, e: ev("b", 2) },
      { pt: 12 },
      { at: 0, e: ev("a", 3) },
      { pt: 29 },
      { at: 0, e: ev("a", 4) },
      { end: true },
    ]);
  });
});

describe("user functions that throw", () => {
  const boom = (): never => {
    throw new Error("boom");
  };
  const throwingAdd: AggregateFunction<Ev, number, number> = {
    ...count,
    add: (acc, e) => (e.v < 0 ? boom() : acc + 1),
  };
  const throwingResult: AggregateFunction<Ev, number, number> = { ...count, result: boom };

  test("a throwing key selector fails the job, naming the operator", async () => {
    const h = createTestHarness((input: DataStream<Ev>) =>
      input
        .keyBy((e) => (e.v < 0 ? boom() : e.key))
        .window(tumbling(10))
        .aggregate(count),
    );
    await h.processElement(ev("a"), 1);
    const failure = h.processElement(ev("a", -1), 2);
    await expect(failure).rejects.toBeInstanceOf(OperatorError);
    await expect(failure).rejects.toThrow(/window\(tumbling\(10\)\)\.aggregate.*boom/);
  });

  test("a throwing aggregate sends the record to the error output, and the rest goes on", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).aggregate(throwingAdd, { errors }));
    await h.processElements([
      { value: ev("a"), timestamp: 1 },
      { value: ev("a", -1), timestamp: 2 },
      { value: ev("a"), timestamp: 3 },
    ]);
    await h.endInput();
    expect(h.output()).toEqual([res("a", 0, 10, 2)]);
    expect(h.sideOutput(errors)).toEqual([
      {
        value: { value: ev("a", -1), timestamp: 2, operator: expect.stringMatching(OPERATOR), error: "boom" },
        timestamp: 2,
      },
    ]);
    expect(metricsOf(h).failedRecords).toBe(1);
  });

  test("a throwing aggregate without an error output fails the job", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).aggregate(throwingAdd));
    await expect(h.processElement(ev("a", -1), 2)).rejects.toThrow(/window\(tumbling\(10\)\).*boom/);
  });

  test("a result function throwing when a watermark fires the window fails the job, naming key and window", async () => {
    const h = harness((keyed) => keyed.window(tumbling(10)).aggregate(throwingResult, { errors }));
    await h.processElement(ev("a"), 1);
    await expect(h.processWatermark(20)).rejects.toThrow(
      /window\(tumbling\(10\)\)\.aggregate.*: firing window \[0, 10\) of key a failed: boom/,
    );
  });

  test("a result function throwing on an allowed-late record's firing sends that record to the error output", async () => {
    let calls = 0;
    const failsSecondTime: AggregateFunction<Ev, number, number> = {
      ...count,
      result: (acc) => (++calls === 2 ? boom() : acc),
    };
    const h = harness((keyed) =>
      keyed.window(tumbling(10)).allowedLateness(10).aggregate(failsSecondTime, { errors }),
    );
    await h.processElement(ev("a"), 1);
    await h.processWatermark(9);
    await h.processElement(ev("a", 7), 2);
    await h.processElement(ev("a", 8), 3);
    expect(h.output()).toEqual([res("a", 0, 10, 1), res("a", 0, 10, 3)]);
    expect(h.sideOutput(errors).map((r) => r.value.value)).toEqual([ev("a", 7)]);
  });
});
