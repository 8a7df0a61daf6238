import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import type { OverResult } from "../dsl/keyed-stream.ts";
import { OperatorError, PipelineDefinitionError } from "../runtime/errors.ts";
import { OperatorMetrics } from "../runtime/metrics.ts";
import type { OperatorContext, Output } from "../runtime/operator.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import type { KeyGroupSnapshot } from "../state/keyed-heap.ts";
import { createTestHarness, type TimestampedValue } from "../testing/index.ts";
import { VirtualClock } from "../time/clock.ts";
import { type OverFrame, overOperator } from "./over-operator.ts";
import {
  byKey,
  expectNaiveScanResults,
  frameArbitrary,
  naive,
  overHarness,
  type Rec,
  recordArbitrary,
  type Tick,
  tick,
} from "./test-support/over-scan.ts";

const count: AggregateFunction<Tick, number, number> = {
  create: () => 0,
  add: (acc) => acc + 1,
  merge: (a, b) => a + b,
  result: (acc) => acc,
};
const sum: AggregateFunction<Tick, number, number> = {
  create: () => 0,
  add: (acc, t) => acc + t.v,
  merge: (a, b) => a + b,
  result: (acc) => acc,
};
const min: AggregateFunction<Tick, number, number> = {
  create: () => Number.POSITIVE_INFINITY,
  add: (acc, t) => Math.min(acc, t.v),
  merge: (a, b) => Math.min(a, b),
  result: (acc) => acc,
};
const max: AggregateFunction<Tick, number, number> = {
  create: () => Number.NEGATIVE_INFINITY,
  add: (acc, t) => Math.max(acc, t.v),
  merge: (a, b) => Math.max(a, b),
  result: (acc) => acc,
};
const avg: AggregateFunction<Tick, { sum: number; n: number }, number> = {
  create: () => ({ sum: 0, n: 0 }),
  add: (acc, t) => {
    acc.sum += t.v;
    acc.n++;
    return acc;
  },
  merge: (a, b) => ({ sum: a.sum + b.sum, n: a.n + b.n }),
  result: (acc) => acc.sum / acc.n,
};
/** The frame's values in order: shows exactly which records a frame holds. */
const values: AggregateFunction<Tick, number[], number[]> = {
  create: () => [],
  add: (acc, t) => {
    acc.push(t.v);
    return acc;
  },
  merge: (a, b) => [...a, ...b],
  result: (acc) => [...acc],
};
/** The first value of the frame (KDA's FIRST_VALUE). */
const first: AggregateFunction<Tick, { v: number | undefined }, number | undefined> = {
  create: () => ({ v: undefined }),
  add: (acc, t) => (acc.v === undefined ? { v: t.v } : acc),
  merge: (a, b) => (a.v === undefined ? b : a),
  result: (acc) => acc.v,
};

/** `[key, value, result, timestamp]` per output, for compact expectations. */
function rows<R>(out: TimestampedValue<OverResult<Tick, string, R>>[]): [string, number, R, number][] {
  return out.map(({ value, timestamp }) => [value.key, value.record.v, value.value, timestamp]);
}

describe("over", () => {
  test("empty input gives no results and passes the watermark", async () => {
    const h = overHarness({ range: 10 }, count);
    await h.processWatermark(5);
    await h.endInput();
    expect(h.output()).toEqual([]);
    expect(h.watermarks()).toEqual([5, Number.POSITIVE_INFINITY]);
  });

  test("a record waits for the watermark, then gets its result with its own timestamp", async () => {
    const h = overHarness({ range: 10 }, count);
    await h.processElement(tick("a", 1), 7);
    await h.processWatermark(6);
    expect(h.output()).toEqual([]);
    await h.processWatermark(7);
    expect(h.output()).toEqual([{ value: { key: "a", record: tick("a", 1), value: 1 }, timestamp: 7 }]);
  });

  test("many records: one result each, over the key's range", async () => {
    const h = overHarness({ range: 10 }, values);
    await h.processElements([
      { value: tick("a", 1), timestamp: 0 },
      { value: tick("b", 100), timestamp: 3 },
      { value: tick("a", 2), timestamp: 5 },
      { value: tick("a", 3), timestamp: 12 },
      { value: tick("b", 200), timestamp: 20 },
      { value: tick("a", 4), timestamp: 30 },
    ]);
    await h.endInput();
    expect(byKey(h.output())).toEqual({
      a: [
        [1, [1], 0],
        [2, [1, 2], 5],
        [3, [2, 3], 12],
        [4, [4], 30],
      ],
      b: [
        [100, [100], 3],
        [200, [200], 20],
      ],
    });
  });

  test("count, sum, min, max and avg over a range", async () => {
    const input = [5, 1, 9, 3].map((v, i) => ({ value: tick("a", v), timestamp: i * 10 }));
    const results = await Promise.all(
      [count, sum, min, max, avg].map(async (fn) => {
        const h = overHarness({ range: 10 }, fn);
        await h.processElements(input);
        await h.endInput();
        return h.values().map((r) => r.value);
      }),
    );
    expect(results).toEqual([
      [1, 2, 2, 2],
      [5, 6, 10, 12],
      [5, 1, 1, 3],
      [5, 5, 9, 9],
      [5, 3, 5, 6],
    ]);
  });

  test("records are processed in timestamp order: any order within the watermark gives the same results", async () => {
    const inOrder = overHarness({ range: 5 }, values);
    const shuffled = overHarness({ range: 5 }, values);
    const records = [0, 2, 4, 6, 8, 10].map((t) => ({
      value: tick(t % 4 === 0 ? "a" : "b", t),
      timestamp: t,
    }));
    await inOrder.processElements(records);
    await inOrder.processWatermark(4);
    await inOrder.endInput();
    for (const i of [2, 0, 1]) await shuffled.processElement(records[i]!.value, records[i]!.timestamp);
    await shuffled.processWatermark(4);
    for (const i of [5, 3, 4]) await shuffled.processElement(records[i]!.value, records[i]!.timestamp);
    await shuffled.endInput();
    expect(byKey(shuffled.output())).toEqual(byKey(inOrder.output()));
    expect(byKey(inOrder.output())).toEqual({
      a: [
        [0, [0], 0],
        [4, [0, 4], 4],
        [8, [4, 8], 8],
      ],
      b: [
        [2, [2], 2],
        [6, [2, 6], 6],
        [10, [6, 10], 10],
      ],
    });
  });

  test("a record at or below the watermark is late: to the side output, counted", async () => {
    const late = new OutputTag<Tick>("late");
    const h = overHarness({ range: 10 }, count, late);
    await h.processElement(tick("a", 1), 5);
    await h.processWatermark(5);
    await h.processElements([
      { value: tick("a", 2), timestamp: 5 },
      { value: tick("a", 3), timestamp: 4 },
      { value: tick("a", 4), timestamp: 6 },
    ]);
    await h.endInput();
    expect(h.sideOutput(late)).toEqual([
      { value: tick("a", 2), timestamp: 5 },
      { value: tick("a", 3), timestamp: 4 },
    ]);
    expect(rows(h.output())).toEqual([
      ["a", 1, 1, 5],
      ["a", 4, 2, 6],
    ]);
    const [metrics] = Object.values(h.metrics()).filter((m) => m.lateRecordsSideOutput > 0);
    expect(metrics).toMatchObject({ lateRecordsSideOutput: 2, lateRecordsDropped: 0 });
  });

  test("without a late side output, late records are counted as dropped", async () => {
    const h = overHarness({ range: 10 }, count);
    await h.processWatermark(10);
    await h.processElement(tick("a", 1), 3);
    await h.endInput();
    expect(h.output()).toEqual([]);
    const dropped = Object.values(h.metrics()).map((m) => m.lateRecordsDropped);
    expect(dropped).toContain(1);
  });

  test("the range's lower bound is inclusive: exactly range ms older is in, range + 1 is out", async () => {
    const h = overHarness({ range: 10 }, values);
    await h.processElements([
      { value: tick("a", 1), timestamp: 100 },
      { value: tick("a", 2), timestamp: 110 },
      { value: tick("b", 1), timestamp: 100 },
      { value: tick("b", 2), timestamp: 111 },
    ]);
    await h.endInput();
    expect(byKey(h.output())).toEqual({
      a: [
        [1, [1], 100],
        [2, [1, 2], 110],
      ],
      b: [
        [1, [1], 100],
        [2, [2], 111],
      ],
    });
  });

  test("records with equal timestamps are processed in arrival order, each seeing the earlier ones", async () => {
    const h = overHarness({ range: 0 }, values);
    await h.processElements([
      { value: tick("a", 3), timestamp: 9 },
      { value: tick("a", 1), timestamp: 5 },
      { value: tick("a", 4), timestamp: 9 },
      { value: tick("a", 2), timestamp: 5 },
    ]);
    await h.endInput();
    expect(rows(h.output())).toEqual([
      ["a", 1, [1], 5],
      ["a", 2, [1, 2], 5],
      ["a", 3, [3], 9],
      ["a", 4, [3, 4], 9],
    ]);
  });

  test("rows: 0 aggregates the record alone; rows: 1 the previous one and the record", async () => {
    const input = [10, 11, 12, 13].map((v, i) => ({ value: tick("a", v), timestamp: i }));
    const alone = overHarness({ rows: 0 }, values);
    const pairs = overHarness({ rows: 1 }, values);
    const previous = overHarness({ rows: 1 }, first);
    for (const h of [alone, pairs, previous]) {
      await h.processElements(input);
      await h.endInput();
    }
    expect(alone.values().map((r) => r.value)).toEqual([[10], [11], [12], [13]]);
    expect(pairs.values().map((r) => r.value)).toEqual([[10], [10, 11], [11, 12], [12, 13]]);
    expect(previous.values().map((r) => r.value)).toEqual([10, 10, 11, 12]);
  });

  test("an infinite range or number of rows aggregates every earlier record of the key", async () => {
    const input = [1, 2, 4, 8].map((v, i) => ({
      value: tick(i === 2 ? "b" : "a", v),
      timestamp: i * 1_000_000,
    }));
    for (const frame of [{ range: Number.POSITIVE_INFINITY }, { rows: Number.POSITIVE_INFINITY }]) {
      const h = overHarness(frame, sum);
      await h.processElements(input);
      await h.endInput();
      expect(byKey(h.output())).toEqual({
        a: [
          [1, 1, 0],
          [2, 3, 1_000_000],
          [8, 11, 3_000_000],
        ],
        b: [[4, 4, 2_000_000]],
      });
    }
  });

  test("rows counts records regardless of their age", async () => {
    const h = overHarness({ rows: 2 }, sum);
    await h.processElements([1, 2, 4, 8].map((v, i) => ({ value: tick("a", v), timestamp: i * 1_000_000 })));
    await h.endInput();
    expect(h.values().map((r) => r.value)).toEqual([1, 3, 7, 14]);
  });

  test("a throwing key selector fails the job, naming the operator", async () => {
    const h = createTestHarness((input: DataStream<Tick>) =>
      input
        .keyBy((t) => {
          if (t.v < 0) throw new Error("negative");
          return t.k;
        })
        .over({ range: 10 })
        .aggregate(count),
    );
    const failure = h.processElement(tick("a", -1), 1);
    await expect(failure).rejects.toThrow(OperatorError);
    await expect(failure).rejects.toThrow(/over#\d+: failed on a record \(timestamp 1\): negative/);
  });

  test("a throwing aggregate fails the job, naming the operator", async () => {
    const failing: AggregateFunction<Tick, number, number> = {
      ...sum,
      add: (acc, t) => {
        if (t.v < 0) throw new Error("cannot add");
        return acc + t.v;
      },
    };
    const h = overHarness({ range: 10 }, failing);
    await h.processElement(tick("a", -1), 1);
    await expect(h.processWatermark(1)).rejects.toThrow(/over#\d+: .*cannot add/);
  });

  test("with an errors output, failing records are routed there and the rest go on", async () => {
    const errors = new OutputTag<FailedRecord<Tick>>("errors");
    const failing: AggregateFunction<Tick, number, number> = {
      ...sum,
      add: (acc, t) => {
        if (t.v === 13) throw new Error("unlucky");
        return acc + t.v;
      },
    };
    const h = createTestHarness((input: DataStream<Tick>) =>
      input
        .keyBy((t) => {
          if (t.k === "") throw new Error("no key");
          return t.k;
        })
        .over({ rows: 5 })
        .aggregate(failing, { errors }),
    );
    await h.processElements([
      { value: tick("a", 1), timestamp: 1 },
      { value: tick("", 2), timestamp: 2 },
      { value: tick("a", 13), timestamp: 3 },
      { value: tick("a", 4), timestamp: 4 },
    ]);
    await h.endInput();
    expect(rows(h.output())).toEqual([
      ["a", 1, 1, 1],
      ["a", 4, 5, 4],
    ]);
    expect(h.sideOutput(errors).map((e) => [e.value.value, e.value.error, e.timestamp])).toEqual([
      [tick("", 2), "no key", 2],
      [tick("a", 13), "unlucky", 3],
    ]);
    expect(h.sideOutput(errors)[0]!.value.operator).toMatch(/^over#\d+$/);
  });

  test("a record without an event time fails", async () => {
    const h = overHarness({ range: 10 }, count);
    await expect(h.processElement(tick("a", 1), Number.NaN)).rejects.toThrow(/needs event time/);
  });

  test("an invalid frame is refused when the pipeline is built", () => {
    const build = (frame: OverFrame) => () =>
      overOperator({
        keyOf: (t: Tick) => t.k,
        frame,
        aggregate: count,
        lateDataTag: undefined,
        project: (r) => r,
      });
    expect(build({ range: -1 })).toThrow(PipelineDefinitionError);
    expect(build({ range: Number.NaN })).toThrow(PipelineDefinitionError);
    expect(build({ range: Number.POSITIVE_INFINITY })).not.toThrow();
    expect(build({ rows: Number.POSITIVE_INFINITY })).not.toThrow();
    expect(build({ rows: 1.5 })).toThrow(PipelineDefinitionError);
    expect(build({ rows: -1 })).toThrow(PipelineDefinitionError);
    expect(build({ rows: 0 })).not.toThrow();
  });

  test("snapshot and restore in the middle gives the same results as an uninterrupted run", async () => {
    const late = new OutputTag<Tick>("late");
    const script = async (h: ReturnType<typeof overHarness<number[]>>, restoreAt: Set<number>) => {
      const steps: (() => Promise<void>)[] = [
        () =>
          h.processElements([0, 5, 3, 9].map((t) => ({ value: tick(t % 2 ? "a" : "b", t), timestamp: t }))),
        () => h.processWatermark(4),
        () =>
          h.processElements([12, 6, 2, 15].map((t) => ({ value: tick(t % 2 ? "a" : "b", t), timestamp: t }))),
        () => h.processWatermark(10),
        () =>
          h.processElements([11, 30, 21].map((t) => ({ value: tick(t % 2 ? "a" : "b", t), timestamp: t }))),
        () => h.processWatermark(25),
        () => h.endInput(),
      ];
      for (let i = 0; i < steps.length; i++) {
        if (restoreAt.has(i)) await h.snapshotAndRestore();
        await steps[i]!();
      }
    };
    const uninterrupted = overHarness({ range: 8 }, values, late);
    await script(uninterrupted, new Set());
    for (const at of [[1], [2], [3, 5], [1, 2, 3, 4, 5, 6]]) {
      const restored = overHarness({ range: 8 }, values, late);
      await script(restored, new Set(at));
      expect(byKey(restored.output())).toEqual(byKey(uninterrupted.output()));
      expect(restored.sideOutput(late)).toEqual(uninterrupted.sideOutput(late));
    }
    expect(uninterrupted.sideOutput(late)).toEqual([{ value: tick("b", 2), timestamp: 2 }]);
  });
});

describe("over state", () => {
  /** Runs the operator directly, to look at its snapshots. */
  function direct(frame: OverFrame) {
    const out: unknown[] = [];
    const output: Output<OverResult<Tick, string, number>> = {
      emit: (value) => out.push(value),
      emitBatch: () => {},
      emitSide: () => {},
      emitWatermark: () => {},
    };
    const context: OperatorContext = {
      name: "over",
      clock: new VirtualClock(),
      keyGroups: 4,
      metrics: new OperatorMetrics("over"),
      currentWatermark: () => Number.NEGATIVE_INFINITY,
      scheduleProcessingTime: () => () => {},
      fail: (error) => {
        throw error;
      },
    };
    const operator = overOperator<Tick, string, number, number, OverResult<Tick, string, number>>({
      keyOf: (t) => t.k,
      frame,
      aggregate: sum,
      lateDataTag: undefined,
      project: (record, value, key) => ({ key, record, value }),
    })(context, output);
    const keys = () =>
      (operator.snapshotState?.(true).keyGroups ?? [])
        .flatMap((g) => (g as KeyGroupSnapshot).entries.map(([key]) => key))
        .sort();
    return { operator, keys, out };
  }

  test("a range frame's key is dropped once its newest record is range older than the watermark", () => {
    const { operator, keys } = direct({ range: 10 });
    operator.processBatch({ kind: "data", values: [tick("a", 1), tick("b", 1)], timestamps: [0, 5] });
    operator.processWatermark?.(5);
    expect(keys()).toEqual(["a", "b"]);
    operator.processWatermark?.(10);
    expect(keys()).toEqual(["b"]);
    operator.processBatch({ kind: "data", values: [tick("b", 1)], timestamps: [14] });
    operator.processWatermark?.(15);
    expect(keys()).toEqual(["b"]);
    operator.processWatermark?.(23);
    expect(keys()).toEqual(["b"]);
    operator.processWatermark?.(24);
    expect(keys()).toEqual([]);
  });

  test("a rows frame keeps its keys", () => {
    const { operator, keys } = direct({ rows: 1 });
    operator.processBatch({ kind: "data", values: [tick("a", 1)], timestamps: [0] });
    operator.processWatermark?.(1_000_000);
    expect(keys()).toEqual(["a"]);
  });

  test("a snapshot holds pending records and the frame's records only", () => {
    const { operator } = direct({ rows: 1 });
    operator.processBatch({
      kind: "data",
      values: [1, 2, 3, 4].map((v) => tick("a", v)),
      timestamps: [1, 2, 3, 9],
    });
    operator.processWatermark?.(5);
    const snapshot = operator.snapshotState?.(true);
    expect(snapshot?.operator).toEqual({ watermark: 5 });
    expect(snapshot?.keyGroups?.flatMap((g) => (g as KeyGroupSnapshot).entries)).toEqual([
      [
        "a",
        {
          pendingValues: [tick("a", 4)],
          pendingTimestamps: [9],
          values: [tick("a", 2), tick("a", 3)],
          timestamps: [2, 3],
        },
      ],
    ]);
  });
});

describe("over, property", () => {
  const aggregates = [count, sum, min, max, avg, values] as AggregateFunction<Tick, unknown, unknown>[];

  test("results equal a naive scan of each record's frame, with watermarks and restores anywhere", async () => {
    await expectNaiveScanResults(aggregates, 200);
  });

  test("any reordering within the watermark bound gives the same results", async () => {
    // Distinct timestamps, so arrival order cannot matter; the watermark trails by `bound`.
    const bound = 5;
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(recordArbitrary, { selector: (r) => r.ts, maxLength: 30 }),
        frameArbitrary,
        fc.array(fc.integer({ min: 0, max: bound }), { minLength: 30, maxLength: 30 }),
        async (records, frame, delays) => {
          const sorted = [...records].sort((a, b) => a.ts - b.ts);
          // Each record is delayed by up to `bound` ms of event time, and the watermark trails the max by `bound`.
          const arrival = sorted
            .map((r, i) => ({ r, at: r.ts + delays[i]! }))
            .sort((a, b) => a.at - b.at)
            .map((x) => x.r);
          const run = async (order: Rec[]) => {
            const h = overHarness(frame, values);
            let maxTs = Number.NEGATIVE_INFINITY;
            for (const r of order) {
              await h.processElement(tick(r.key, r.v), r.ts);
              if (r.ts > maxTs) {
                maxTs = r.ts;
                if (maxTs - bound - 1 > Number.NEGATIVE_INFINITY) await h.processWatermark(maxTs - bound - 1);
              }
            }
            await h.endInput();
            return h;
          };
          const a = await run(sorted);
          const b = await run(arrival);
          const lateOf = (h: Awaited<ReturnType<typeof run>>) =>
            Object.values(h.metrics()).reduce((n, m) => n + m.lateRecordsDropped, 0);
          expect(lateOf(b)).toBe(0);
          expect(byKey(b.output())).toEqual(byKey(a.output()));
          expect(byKey(a.output())).toEqual(naive(sorted, frame, values));
        },
      ),
      { numRuns: 150 },
    );
  });
});
