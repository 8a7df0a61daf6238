import { describe, expect, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { OperatorSnapshot, Output } from "../runtime/operator.ts";
import type { WindowAssigner } from "./assigner.ts";
import { session, sliding, tumbling, tumblingProcessingTime } from "./assigners.ts";
import { directContext } from "./test-support/direct-context.ts";
import type { Trigger } from "./trigger.ts";
import { countTrigger, eventTimeTrigger } from "./triggers.ts";
import type { TimeWindow } from "./window.ts";
import { keyedWindowState } from "./window-columns.ts";
import { windowOperator } from "./window-operator.ts";
import type { EncodedOperatorState } from "./window-slots.ts";
import { decodeWindowGroups } from "./window-snapshot.ts";

/** The operator driven directly, to look at its state and at how it uses its assigner. */

const count: AggregateFunction<string, number, number> = {
  create: () => 0,
  add: (acc) => acc + 1,
  merge: (a, b) => a + b,
  result: (acc) => acc,
};

function open(
  assigner: WindowAssigner<TimeWindow>,
  trigger: Trigger<TimeWindow> = assigner.defaultTrigger(),
) {
  let watermark = Number.NEGATIVE_INFINITY;
  const emitted: [string, number, number][] = [];
  const context = directContext({ currentWatermark: () => watermark });
  const output: Output<[string, number]> = {
    emit: (value, timestamp) => emitted.push([...value, timestamp]),
    emitBatch: () => {},
    emitSide: () => {},
    emitWatermark: () => {},
  };
  const operator = windowOperator<string, string, TimeWindow, number, [string, number]>({
    keyOf: (key) => key,
    assigner,
    trigger,
    allowedLateness: 0,
    lateDataTag: undefined,
    aggregate: count,
    fire: (key, _window, acc, emit) => emit([key, acc]),
  })(context, output);
  return {
    operator,
    emitted,
    metrics: context.metrics,
    records(keys: string[], at: number) {
      operator.processBatch({ kind: "data", values: keys, timestamps: keys.map(() => at) });
    },
    watermark(at: number) {
      watermark = at;
      operator.processWatermark?.(at);
    },
  };
}

/** A snapshot's windows per key, whichever store wrote them, as the keyed store holds them. */
const keyedStateOf = (snapshot: OperatorSnapshot) =>
  keyedWindowState(snapshot.keyGroups!, {
    allowedLateness: 0,
    watermark: (snapshot.operator as EncodedOperatorState).watermark,
    columnar: undefined,
  });

const refusing = <TWindow extends TimeWindow>(
  assigner: WindowAssigner<TWindow>,
): WindowAssigner<TWindow> => ({
  ...assigner,
  assignWindows: () => {
    throw new Error("assignWindows called for a grid assigner");
  },
});

describe("the window operator's record path", () => {
  test("tumbling and sliding windows are computed inline, without assignWindows' array", () => {
    for (const assigner of [refusing(tumbling(10, 3)), refusing(sliding(10, 5, -2))]) {
      const run = open(assigner);
      run.records(["a", "b", "a"], 4);
      run.watermark(100);
      expect(run.emitted.length).toBeGreaterThan(0);
    }
  });

  test("session windows do use the assigner", () => {
    const run = open(refusing(session(5)));
    expect(() => run.records(["a"], 4)).toThrow("assignWindows called");
  });
});

describe("the window operator's state", () => {
  test("a checkpoint holds each key's open windows, with their timers", () => {
    const run = open(tumbling(10));
    run.records(["a", "b"], 4);
    run.records(["a"], 15);
    const snapshot = run.operator.snapshotState!(true);
    const entries = new Map(keyedStateOf(snapshot).flatMap((g) => g.entries));
    expect(entries.get("a")).toEqual([
      expect.objectContaining({ start: 0, end: 10, acc: 1, timers: [9, expect.any(Number), 0] }),
      expect.objectContaining({ start: 10, end: 20, acc: 1, timers: [19, expect.any(Number), 0] }),
    ]);
    expect(entries.get("b")).toEqual([expect.objectContaining({ start: 0, end: 10, acc: 1 })]);
    expect(snapshot.operator).toEqual({ watermark: Number.NEGATIVE_INFINITY });
  });

  test("keys whose windows are all gone leave the state at the next checkpoint", () => {
    const run = open(tumbling(10));
    run.records(["a", "b"], 4);
    run.records(["a"], 15);
    run.watermark(9);
    expect(run.emitted).toEqual([
      ["a", 1, 9],
      ["b", 1, 9],
    ]);
    const full = run.operator.snapshotState!(true);
    const keys = keyedStateOf(full).flatMap((g) => g.entries.map(([key]) => key));
    expect(keys).toEqual(["a"]);
    expect(full.operator).toEqual({ watermark: 9 });
  });

  test("a restored operator fires the restored windows and judges lateness by the restored watermark", () => {
    const first = open(tumbling(10));
    first.records(["a", "a", "b"], 4);
    first.records(["a"], 14);
    first.watermark(9);
    expect(first.emitted).toHaveLength(2);
    const snapshot = first.operator.snapshotState!(true);
    const second = open(tumbling(10));
    second.operator.restoreState!(snapshot);
    // The runtime's watermark starts over after a restore; the operator's does not.
    second.records(["a"], 5);
    expect(second.metrics.lateRecordsDropped).toBe(1);
    second.watermark(3);
    expect(second.emitted).toEqual([]);
    second.watermark(19);
    expect(second.emitted).toEqual([["a", 1, 19]]);
  });
});

describe("the window operator's state store", () => {
  /** Which store held the windows, as the layout of a full checkpoint of them shows. */
  const layoutOf = (assigner: WindowAssigner<TimeWindow>, trigger?: Trigger<TimeWindow>) => {
    const run = open(assigner, trigger);
    run.records(["a", "b"], 4);
    const groups = decodeWindowGroups(run.operator.snapshotState!(true).keyGroups!);
    const written = groups.filter((g) => g.columns !== undefined || g.entries.length > 0);
    expect(written.length).toBeGreaterThan(0);
    if (written.every((g) => g.columns !== undefined && g.entries.length === 0)) return "columnar";
    if (written.every((g) => g.columns === undefined)) return "keyed";
    return "mixed";
  };

  test("event-time tumbling and sliding windows with the default trigger are kept in columns", () => {
    expect(layoutOf(tumbling(10))).toBe("columnar");
    expect(layoutOf(sliding(10, 5, -2))).toBe("columnar");
    expect(layoutOf(tumbling(10), eventTimeTrigger())).toBe("columnar");
  });

  test("any other assigner or trigger keeps a slot per key and window", () => {
    expect(layoutOf(session(5))).toBe("keyed");
    expect(layoutOf(tumblingProcessingTime(10))).toBe("keyed");
    expect(layoutOf(tumbling(10), countTrigger(2))).toBe("keyed");
    // A trigger that does what the default does, but is not it, cannot be recognised as it.
    expect(layoutOf(tumbling(10), { ...eventTimeTrigger() })).toBe("keyed");
  });
});
