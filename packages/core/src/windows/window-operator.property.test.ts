import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import { OutputTag } from "../runtime/output-tag.ts";
import { createTestHarness, type TestHarness } from "../testing/index.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import type { WindowAssigner } from "./assigner.ts";
import { session, sliding, tumbling } from "./assigners.ts";
import type { Trigger } from "./trigger.ts";
import { countTrigger, eventTimeTrigger, purging } from "./triggers.ts";
import type { TimeWindow, WindowResult } from "./window.ts";

interface Rec {
  readonly key: string;
  readonly ts: number;
  readonly v: number;
}
interface Stats {
  readonly count: number;
  readonly sum: number;
  readonly min: number;
  readonly max: number;
}

// Written inline so this test checks the operator, not the built-in aggregates.
const stats: AggregateFunction<Rec, Stats, Stats> = {
  create: () => ({ count: 0, sum: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY }),
  add: (acc, r) => ({
    count: acc.count + 1,
    sum: acc.sum + r.v,
    min: Math.min(acc.min, r.v),
    max: Math.max(acc.max, r.v),
  }),
  merge: (a, b) => ({
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
  }),
  result: (acc) => acc,
};

type Out = WindowResult<string, TimeWindow, Stats>;

const byWindow = (a: Out, b: Out) =>
  a.window.end - b.window.end ||
  a.window.start - b.window.start ||
  (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

const record = (span: number) =>
  fc.record({
    key: fc.constantFrom("a", "b", "c"),
    ts: fc.integer({ min: -span, max: span }),
    v: fc.integer({ min: -50, max: 50 }),
  });

/**
 * Records and an arrival order in which none is later than `bound`: each record is delayed by a
 * jitter in [0, bound], so when it arrives nothing seen has a timestamp above its own + bound.
 */
const disordered = fc.integer({ min: 0, max: 15 }).chain((bound) =>
  fc.array(fc.tuple(record(120), fc.integer({ min: 0, max: bound })), { maxLength: 40 }).map((pairs) => ({
    bound,
    records: pairs.map(([r]) => r),
    arrival: pairs
      .map(([r, jitter], i) => ({ r, at: r.ts + jitter, i }))
      .sort((x, y) => x.at - y.at || x.i - y.i)
      .map(({ r }) => r),
  })),
);

async function runWithWatermarks(
  assigner: WindowAssigner<TimeWindow>,
  bound: number,
  arrival: readonly Rec[],
) {
  const h = createTestHarness((input: DataStream<Rec>) =>
    input
      .withWatermarks(boundedOutOfOrderness(bound), (r) => r.ts)
      .keyBy((r) => r.key)
      .window(assigner)
      .aggregate(stats),
  );
  // One batch per record, so the watermark advances between records as it would live.
  for (const r of arrival) await h.processElement(r, Number.NaN);
  await h.endInput();
  return h;
}

const lateOf = (h: TestHarness<Rec, Out>) => {
  const entry = Object.entries(h.metrics()).find(([name]) => name.startsWith("window("));
  return entry === undefined ? 0 : entry[1].lateRecordsDropped + entry[1].lateRecordsSideOutput;
};

/** The same windows by brute force: every window start on the grid whose window holds the record. */
function batchWindows(records: readonly Rec[], size: number, slide: number, offset: number): Out[] {
  const groups = new Map<string, Out>();
  for (const r of records) {
    const first = Math.floor((r.ts - size - offset) / slide) - 1;
    const last = Math.floor((r.ts - offset) / slide) + 1;
    for (let k = first; k <= last; k++) {
      const start = k * slide + offset;
      if (start > r.ts || r.ts >= start + size) continue;
      const id = `${r.key}/${start}`;
      const old = groups.get(id);
      const acc = stats.add(old?.value ?? stats.create(), r);
      groups.set(id, { key: r.key, window: { start, end: start + size }, value: acc });
    }
  }
  return [...groups.values()].sort(byWindow);
}

const gridAssigner = fc
  .record({
    kind: fc.constantFrom("tumbling", "sliding"),
    size: fc.integer({ min: 1, max: 40 }),
    slideDivisor: fc.integer({ min: 1, max: 4 }),
    offsetFraction: fc.double({ min: -0.99, max: 0.99, noNaN: true }),
  })
  .map(({ kind, size, slideDivisor, offsetFraction }) => {
    const slide = kind === "tumbling" ? size : Math.max(1, Math.floor(size / slideDivisor));
    const offset = Math.trunc(offsetFraction * slide);
    const assigner = kind === "tumbling" ? tumbling(size, offset) : sliding(size, slide, offset);
    return { assigner, size, slide, offset };
  });

describe("window results are those of a batch computation", () => {
  test("tumbling and sliding: count, sum, min and max per key and window, under any disorder within the bound", async () => {
    await fc.assert(
      fc.asyncProperty(
        gridAssigner,
        disordered,
        async ({ assigner, size, slide, offset }, { bound, records, arrival }) => {
          const h = await runWithWatermarks(assigner, bound, arrival);
          expect(lateOf(h)).toBe(0);
          expect(h.values().sort(byWindow)).toEqual(batchWindows(records, size, slide, offset));
          for (const { value, timestamp } of h.output()) expect(timestamp).toBe(value.window.end - 1);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe("disorder within the out-of-orderness bound does not change results", () => {
  test("any arrival order in which no record is later than the bound gives the in-order results", async () => {
    const assigners = fc.constantFrom<WindowAssigner<TimeWindow>>(
      tumbling(10),
      tumbling(7, -3),
      sliding(12, 4),
      sliding(9, 3, 1),
    );
    await fc.assert(
      fc.asyncProperty(assigners, disordered, async (assigner, { bound, records, arrival }) => {
        const inOrder = [...records].sort((x, y) => x.ts - y.ts);
        const expected = (await runWithWatermarks(assigner, bound, inOrder)).values().sort(byWindow);
        const h = await runWithWatermarks(assigner, bound, arrival);
        expect(lateOf(h)).toBe(0);
        expect(h.values().sort(byWindow)).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });
});

type Step = { readonly r: Rec } | { readonly wm: number };

/** Records, late ones included, with watermarks in between. */
const script = fc
  .array(
    fc.oneof(
      { weight: 4, arbitrary: record(60).map((r): Step => ({ r })) },
      { weight: 1, arbitrary: fc.integer({ min: -60, max: 60 }).map((wm): Step => ({ wm })) },
    ),
    { minLength: 1, maxLength: 30 },
  )
  .map((steps) => {
    // Watermarks only go up.
    let high = Number.NEGATIVE_INFINITY;
    return steps.filter((s) => {
      if (!("wm" in s)) return true;
      if (s.wm <= high) return false;
      high = s.wm;
      return true;
    });
  });

describe("snapshot and restore", () => {
  test("restoring at any point gives the uninterrupted run's output, late records and counters", async () => {
    const late = new OutputTag<Rec>("late");
    const setups = fc.record({
      assigner: fc.constantFrom<WindowAssigner<TimeWindow>>(tumbling(10), sliding(10, 5, -2), session(6)),
      trigger: fc.constantFrom<Trigger<TimeWindow> | undefined>(
        undefined,
        eventTimeTrigger(),
        countTrigger(2),
        purging(countTrigger(3)),
      ),
      lateness: fc.constantFrom(0, 5),
      sideOutput: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(setups, script, fc.array(fc.nat(), { maxLength: 3 }), async (setup, steps, cuts) => {
        const run = async (restoreBefore: ReadonlySet<number>) => {
          const h = createTestHarness((input: DataStream<Rec>) => {
            let windowed = input
              .keyBy((r) => r.key)
              .window(setup.assigner)
              .allowedLateness(setup.lateness);
            if (setup.trigger !== undefined) windowed = windowed.trigger(setup.trigger);
            if (setup.sideOutput) windowed = windowed.sideOutputLateData(late);
            return windowed.aggregate(stats);
          });
          for (let i = 0; i < steps.length; i++) {
            if (restoreBefore.has(i)) await h.snapshotAndRestore();
            const step = steps[i]!;
            if ("r" in step) await h.processElement(step.r, step.r.ts);
            else await h.processWatermark(step.wm);
          }
          await h.endInput();
          const { watermark: _ignored, ...counters } = Object.values(h.metrics()).at(-1)!;
          return { output: h.output(), late: h.sideOutput(late), counters };
        };
        const plain = await run(new Set());
        const restored = await run(new Set(cuts.map((c) => c % (steps.length + 1))));
        expect(restored).toEqual(plain);
      }),
      { numRuns: 200 },
    );
  });
});
