import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import type { WindowedStream } from "../dsl/windowed-stream.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import { createTestHarness, type TestHarness } from "../testing/index.ts";
import type { WindowAssigner } from "./assigner.ts";
import { session, sliding, tumbling } from "./assigners.ts";
import type { Trigger } from "./trigger.ts";
import {
  continuousEventTimeTrigger,
  countTrigger,
  eventTimeTrigger,
  processingTimeTrigger,
  purging,
} from "./triggers.ts";
import type { TimeWindow, WindowResult } from "./window.ts";

/**
 * The same cases for every event-time assigner and every trigger: empty input, one record, many
 * records out of order, late records, a watermark at end − 1 and at end, negative timestamps, a
 * throwing user function, and snapshot-and-restore in the middle.
 */

interface Ev {
  readonly key: string;
  readonly v: number;
}
type Out = WindowResult<string, TimeWindow, number[]>;

const collect: AggregateFunction<Ev, number[], number[]> = {
  create: () => [],
  add: (acc, e) => {
    if (e.v < 0) throw new Error(`cannot add ${e.v}`);
    acc.push(e.v);
    return acc;
  },
  merge: (a, b) => [...a, ...b],
  result: (acc) => [...acc].sort((x, y) => x - y),
};

const late = new OutputTag<Ev>("late");
const errors = new OutputTag<FailedRecord<Ev>>("errors");

interface Case {
  readonly name: string;
  readonly assigner: WindowAssigner<TimeWindow>;
  readonly trigger: Trigger<TimeWindow> | undefined;
}

const cases: Case[] = [
  { name: "tumbling", assigner: tumbling(10), trigger: undefined },
  { name: "tumbling with an offset", assigner: tumbling(10, -4), trigger: undefined },
  { name: "sliding", assigner: sliding(10, 5), trigger: undefined },
  { name: "session", assigner: session(10), trigger: undefined },
  { name: "tumbling + eventTimeTrigger", assigner: tumbling(10), trigger: eventTimeTrigger() },
  { name: "tumbling + countTrigger", assigner: tumbling(10), trigger: countTrigger(2) },
  { name: "tumbling + purging(countTrigger)", assigner: tumbling(10), trigger: purging(countTrigger(2)) },
  {
    name: "tumbling + continuousEventTimeTrigger",
    assigner: tumbling(10),
    trigger: continuousEventTimeTrigger(3),
  },
  { name: "session + countTrigger", assigner: session(10), trigger: countTrigger(2) },
  {
    name: "sliding + purging(eventTimeTrigger)",
    assigner: sliding(10, 5),
    trigger: purging(eventTimeTrigger()),
  },
  { name: "tumbling + processingTimeTrigger", assigner: tumbling(10), trigger: processingTimeTrigger() },
];

function harnessFor(c: Case, withErrors: boolean): TestHarness<Ev, Out> {
  return createTestHarness((input: DataStream<Ev>) => {
    let windowed: WindowedStream<Ev, string, TimeWindow> = input
      .keyBy((e) => e.key)
      .window(c.assigner)
      .allowedLateness(2)
      .sideOutputLateData(late);
    if (c.trigger !== undefined) windowed = windowed.trigger(c.trigger);
    return windowed.aggregate(collect, withErrors ? { errors } : {});
  });
}

const metricsOf = (h: TestHarness<Ev, Out>) => Object.values(h.metrics()).at(-1)!;

/** Every result is stamped end − 1 and holds only records inside its window. */
function expectWellFormed(h: TestHarness<Ev, Out>, timestamps: ReadonlyMap<number, number>) {
  for (const { value, timestamp } of h.output()) {
    expect(timestamp).toBe(value.window.end - 1);
    for (const v of value.value) {
      const at = timestamps.get(v)!;
      expect(
        at >= value.window.start && at < value.window.end,
        `record ${v} at ${at} in ${value.window}`,
      ).toBe(true);
    }
  }
}

describe.each(cases)("$name", (c) => {
  test("empty input: nothing comes out", async () => {
    const h = harnessFor(c, false);
    await h.endInput();
    expect(h.output()).toEqual([]);
    expect(h.sideOutput(late)).toEqual([]);
  });

  test("one record: by end of input every window holding it has emitted it", async () => {
    const h = harnessFor(c, false);
    await h.processElement({ key: "a", v: 1 }, 3);
    await h.endInput();
    expectWellFormed(h, new Map([[1, 3]]));
    const windows = new Set(h.values().map((r) => `${r.window.start},${r.window.end}`));
    const expected = c.assigner.assignWindows(3).map((w) => `${w.start},${w.end}`);
    expect([...windows].sort()).toEqual(expected.sort());
    for (const r of h.values()) expect(r.value).toEqual([1]);
  });

  test("many records out of order, two keys, negative timestamps: each window's last result has all its records", async () => {
    const h = harnessFor(c, false);
    const records: [string, number, number][] = [
      ["a", 1, -7],
      ["b", 2, 4],
      ["a", 3, -12],
      ["a", 4, 2],
      ["b", 5, -1],
      ["a", 6, -3],
    ];
    for (const [key, v, at] of records) await h.processElement({ key, v }, at);
    await h.endInput();
    expectWellFormed(h, new Map(records.map(([, v, at]) => [v, at])));
    expect(h.sideOutput(late)).toEqual([]);
    const seen = new Set(h.values().flatMap((r) => r.value));
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    if (c.assigner.merging) return;
    // Per key and window: the last result (or, when purging, all results together) holds exactly
    // the key's records inside the window.
    const purges = c.trigger?.description.startsWith("purging") ?? false;
    const byWindow = new Map<string, number[]>();
    for (const r of h.values()) {
      const id = `${r.key}/${r.window.start}`;
      byWindow.set(id, purges ? [...(byWindow.get(id) ?? []), ...r.value] : r.value);
    }
    for (const r of h.values()) {
      const inside = records
        .filter(([key, , at]) => key === r.key && at >= r.window.start && at < r.window.end)
        .map(([, v]) => v);
      expect(byWindow.get(`${r.key}/${r.window.start}`)!.sort()).toEqual(inside.sort());
    }
  });

  test("a watermark at end − 2 does not fire the window; one at end − 1 does, and end changes nothing more", async () => {
    const h = harnessFor(c, false);
    await h.processElement({ key: "a", v: 1 }, 3);
    await h.processElement({ key: "a", v: 2 }, 4);
    // The first window to end: a session spans both records.
    const firstEnd = c.assigner.merging ? 14 : Math.min(...c.assigner.assignWindows(3).map((w) => w.end));
    // Only triggers that fire on the window's end alone (no early or count firings) are exact here.
    const endOnly = c.trigger === undefined || c.trigger.description.includes("eventTime()");
    const before = h.output().length;
    await h.processWatermark(firstEnd - 2);
    if (endOnly) expect(h.output().length).toBe(before);
    await h.processWatermark(firstEnd - 1);
    if (endOnly) {
      expect(h.output().length).toBe(before + 1);
      expect(h.output().at(-1)).toMatchObject({
        timestamp: firstEnd - 1,
        value: { window: { end: firstEnd } },
      });
    }
    const afterEndMinus1 = h.output().length;
    await h.processWatermark(firstEnd);
    if (endOnly) expect(h.output().length).toBe(afterEndMinus1);
    expectWellFormed(
      h,
      new Map([
        [1, 3],
        [2, 4],
      ]),
    );
  });

  test("a record beyond the allowed lateness goes to the late output and is counted", async () => {
    const h = harnessFor(c, false);
    await h.processElement({ key: "a", v: 1 }, 50);
    await h.processWatermark(40);
    await h.processElement({ key: "a", v: 2 }, 20);
    await h.endInput();
    expect(h.sideOutput(late)).toEqual([{ value: { key: "a", v: 2 }, timestamp: 20 }]);
    expect(metricsOf(h)).toMatchObject({ lateRecordsSideOutput: 1, lateRecordsDropped: 0 });
    expect(h.values().flatMap((r) => r.value)).not.toContain(2);
  });

  test("a throwing aggregate: with an error output the record goes there, without it the job fails naming the operator", async () => {
    const routed = harnessFor(c, true);
    await routed.processElement({ key: "a", v: -1 }, 3);
    await routed.processElement({ key: "a", v: 1 }, 4);
    await routed.endInput();
    expect(routed.sideOutput(errors).map((r) => r.value)).toEqual([
      {
        value: { key: "a", v: -1 },
        timestamp: 3,
        operator: expect.stringContaining(`window(${c.assigner.description})`),
        error: "cannot add -1",
      },
    ]);
    expect(routed.values().flatMap((r) => r.value)).not.toContain(-1);
    const failing = harnessFor(c, false);
    await expect(failing.processElement({ key: "a", v: -1 }, 3)).rejects.toThrow(
      `window(${c.assigner.description}).aggregate`,
    );
  });

  test("snapshot and restore in the middle gives the uninterrupted run's results", async () => {
    const script = async (h: TestHarness<Ev, Out>, restore: boolean) => {
      await h.processElement({ key: "a", v: 1 }, 1);
      await h.processElement({ key: "b", v: 2 }, 8);
      await h.processElement({ key: "a", v: 3 }, 6);
      await h.setProcessingTime(5);
      if (restore) await h.snapshotAndRestore();
      await h.processWatermark(9);
      await h.processElement({ key: "a", v: 4 }, 9);
      await h.processElement({ key: "a", v: 5 }, 13);
      if (restore) await h.snapshotAndRestore();
      await h.setProcessingTime(12);
      await h.processWatermark(14);
      await h.processElement({ key: "b", v: 6 }, 2);
      await h.endInput();
      return { output: h.output(), late: h.sideOutput(late) };
    };
    const plain = await script(harnessFor(c, false), false);
    expect(plain.output.length).toBeGreaterThan(0);
    expect(await script(harnessFor(c, false), true)).toEqual(plain);
  });
});
