import { isDeepStrictEqual } from "node:util";
import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { stats } from "../aggregates/stats.ts";
import type { Operator, OperatorSnapshot } from "../runtime/operator.ts";
import { deserializeSnapshot, serializeSnapshot } from "../runtime/stage-runtime.ts";
import type { KeyGroupSnapshot, OpaqueKeyGroupSnapshot } from "../state/keyed-heap.ts";
import { v8Serde } from "../state/serde.ts";
import type { WindowAssigner } from "./assigner.ts";
import { sliding, tumbling } from "./assigners.ts";
import { directContext } from "./test-support/direct-context.ts";
import { eventTimeTrigger } from "./triggers.ts";
import type { TimeWindow } from "./window.ts";
import { windowOperator } from "./window-operator.ts";
import { SWEEP_THRESHOLD } from "./window-slots.ts";

/**
 * Restores of many keys (the bulk path: keys registered outside the key Map, rows staged and put
 * in creation order per bucket) against the operator they were taken from: the same state, and
 * the same results for the same input afterwards, keys swept and recycled included.
 */

interface Rec {
  readonly key: string;
  readonly ts: number;
  readonly v: number;
}

/** Keeps every value in arrival order (an aggregate without a columnar form). */
const collect: AggregateFunction<Rec, number[], number[]> = {
  create: () => [],
  add: (acc, r) => {
    acc.push(r.v);
    return acc;
  },
  result: (acc) => [...acc],
  merge: (a, b) => [...a, ...b],
};

function open(
  assigner: WindowAssigner<TimeWindow>,
  lateness: number,
  columnar: boolean,
): {
  operator: Operator<Rec>;
  emitted: string[];
  watermark(at: number): void;
  records(records: Rec[]): void;
} {
  let watermark = Number.NEGATIVE_INFINITY;
  const emitted: string[] = [];
  const operator = windowOperator<Rec, string, TimeWindow, unknown, string>({
    keyOf: (r) => r.key,
    assigner,
    trigger: eventTimeTrigger(),
    allowedLateness: lateness,
    lateDataTag: undefined,
    aggregate: (columnar ? stats((r: Rec) => r.v) : collect) as AggregateFunction<Rec, unknown, unknown>,
    fire: (key, window, acc, emit) => emit(`${key}@${window.start}:${JSON.stringify(acc)}`),
  })(directContext({ keyGroups: 16, currentWatermark: () => watermark }), {
    emit: (value) => emitted.push(value),
    emitBatch: () => {},
    emitSide: () => {},
    emitWatermark: () => {},
  });
  return {
    operator,
    emitted,
    watermark(at) {
      watermark = at;
      operator.processWatermark!(at);
    },
    records(records) {
      operator.processBatch({ kind: "data", values: records, timestamps: records.map((r) => r.ts) });
    },
  };
}

/** A full snapshot, as a restore reads it back. */
function fullState(operator: Operator<Rec>): OperatorSnapshot {
  return roundTrip(operator.snapshotState!(true));
}

/** Through the serde, as a restore reads it. */
function roundTrip(snapshot: OperatorSnapshot): OperatorSnapshot {
  return deserializeSnapshot(serializeSnapshot(snapshot, v8Serde), v8Serde);
}

/** The first place two runs' outputs differ (a diff of thousands of lines would take minutes). */
function firstDifference(
  a: readonly string[],
  b: readonly string[],
): { at: number; a?: string; b?: string } | undefined {
  for (let at = 0; at < Math.max(a.length, b.length); at++)
    if (a[at] !== b[at]) return { at, a: a[at], b: b[at] };
  return undefined;
}

const records = (keys: number, from: number, ts: (k: number) => number, v: number): Rec[] =>
  Array.from({ length: keys }, (_, i) => ({ key: `key-${from + i}`, ts: ts(from + i), v: v + i }));

describe("restoring many keys", () => {
  for (const [name, assigner, lateness, columnar] of [
    ["tumbling, stats", tumbling(100), 0, true],
    ["sliding (each key in two buckets), lateness (two timers a window), stats", sliding(100, 50), 30, true],
    ["sliding, lateness, accumulators as objects", sliding(100, 50), 30, false],
  ] as const) {
    test(`${name}: a full snapshot and its deltas restore the state they were taken of, which then runs as the original`, () => {
      const original = open(assigner, lateness, columnar);
      const chain: (KeyGroupSnapshot | OpaqueKeyGroupSnapshot)[] = [];
      let last: OperatorSnapshot | undefined;
      const checkpoint = (full: boolean) => {
        last = roundTrip(original.operator.snapshotState!(full));
        chain.push(...last.keyGroups!);
      };
      original.records(records(3_000, 0, (k) => (k * 7) % 200, 1));
      original.watermark(60);
      checkpoint(true);
      // Deltas: a few keys change, new keys come, and a bucket fires.
      original.records(records(200, 100, (k) => 120 + (k % 50), 5));
      original.records(records(300, 3_000, (k) => 150 + (k % 40), 9));
      checkpoint(false);
      original.watermark(149);
      original.records(records(50, 2_000, () => 160, 2));
      checkpoint(false);

      const restored = open(assigner, lateness, columnar);
      restored.operator.restoreState!({ keyGroups: chain, operator: last!.operator });
      expect(isDeepStrictEqual(fullState(restored.operator), fullState(original.operator))).toBe(true);

      // From here on both see the same input and emit the same, in the same order.
      original.emitted.length = 0;
      for (const run of [original, restored]) {
        run.records(records(500, 2_800, (k) => 170 + (k % 30), 3));
        run.watermark(199);
        run.records(records(100, 0, () => 190, 4));
        run.watermark(Number.POSITIVE_INFINITY);
      }
      expect(restored.emitted.length).toBeGreaterThan(2_000);
      expect(firstDifference(restored.emitted, original.emitted)).toBeUndefined();
    });
  }

  test("restored keys whose windows are gone are recycled; ids taken by new keys answer for those only", () => {
    const n = SWEEP_THRESHOLD * 2 + 100;
    const original = open(tumbling(100), 0, true);
    original.records(records(n, 0, (k) => k % 100, 1));
    const snapshot = roundTrip(original.operator.snapshotState!(true));
    const restored = open(tumbling(100), 0, true);
    restored.operator.restoreState!(snapshot);
    original.emitted.length = 0;
    for (const run of [original, restored]) {
      // Every window fires and goes, with it every key: the registry recycles them.
      run.watermark(99);
      // New keys take the recycled ids; then old keys come back (new keys to the registry now).
      run.records(records(1_000, n, (k) => 100 + (k % 100), 2));
      run.records(records(1_000, 0, (k) => 150 + (k % 50), 3));
      run.records(records(1_000, n + 500, (k) => 120 + (k % 60), 4));
      run.watermark(199);
    }
    expect(restored.emitted.length).toBe(n + 2_500);
    expect(firstDifference(restored.emitted, original.emitted)).toBeUndefined();
    expect(isDeepStrictEqual(fullState(restored.operator), fullState(original.operator))).toBe(true);
  });
});
