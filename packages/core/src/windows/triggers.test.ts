import { describe, expect, test } from "vitest";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import { type TriggerContext, TriggerResult } from "./trigger.ts";
import {
  continuousEventTimeTrigger,
  countTrigger,
  eventTimeTrigger,
  type MergeTriggerContext,
  mergedTriggerStates,
  neverTrigger,
  processingTimeTrigger,
  purging,
} from "./triggers.ts";
import type { TimeWindow } from "./window.ts";

const { CONTINUE, FIRE, FIRE_AND_PURGE } = TriggerResult;
const window: TimeWindow = { start: 0, end: 10 };

/** A context for one window that records what the trigger asked for. */
function fakeContext(watermark = Number.NEGATIVE_INFINITY, processingTime = 0) {
  const eventTimers = new Set<number>();
  const processingTimers = new Set<number>();
  let state: unknown;
  let merged: unknown[] = [];
  const context: MergeTriggerContext = {
    currentWatermark: watermark,
    currentProcessingTime: processingTime,
    registerEventTimeTimer: (t) => eventTimers.add(t),
    deleteEventTimeTimer: (t) => eventTimers.delete(t),
    registerProcessingTimeTimer: (t) => processingTimers.add(t),
    deleteProcessingTimeTimer: (t) => processingTimers.delete(t),
    getState: <S>() => state as S | undefined,
    setState: (s) => {
      state = s;
    },
    mergedStates: <S>() => merged as (S | undefined)[],
  };
  return {
    context,
    eventTimers,
    processingTimers,
    state: () => state,
    merging: (states: unknown[]) => {
      merged = states;
    },
  };
}

describe("eventTimeTrigger", () => {
  const trigger = eventTimeTrigger();

  test("registers a timer at end − 1 and fires on it", () => {
    const { context, eventTimers } = fakeContext(5);
    expect(trigger.onElement(3, window, context)).toBe(CONTINUE);
    expect([...eventTimers]).toEqual([9]);
    expect(trigger.onEventTime(8, window, context)).toBe(CONTINUE);
    expect(trigger.onEventTime(9, window, context)).toBe(FIRE);
    expect(trigger.onProcessingTime(9, window, context)).toBe(CONTINUE);
    trigger.clear(window, context);
    expect(eventTimers.size).toBe(0);
  });

  test("fires at once for a record added when the watermark is at or past end − 1", () => {
    for (const watermark of [9, 10, 100]) {
      const { context, eventTimers } = fakeContext(watermark);
      expect(trigger.onElement(3, window, context)).toBe(FIRE);
      expect(eventTimers.size).toBe(0);
    }
  });

  test("on merge, registers the merged window's timer only if the watermark is before it", () => {
    const before = fakeContext(8);
    trigger.onMerge?.(window, before.context);
    expect([...before.eventTimers]).toEqual([9]);
    const after = fakeContext(9);
    trigger.onMerge?.(window, after.context);
    expect(after.eventTimers.size).toBe(0);
  });
});

describe("processingTimeTrigger", () => {
  test("registers a processing-time timer at end − 1 and fires on it", () => {
    const trigger = processingTimeTrigger();
    const { context, processingTimers } = fakeContext(100, 3);
    expect(trigger.onElement(50, window, context)).toBe(CONTINUE);
    expect([...processingTimers]).toEqual([9]);
    expect(trigger.onEventTime(9, window, context)).toBe(CONTINUE);
    expect(trigger.onProcessingTime(9, window, context)).toBe(FIRE);
    trigger.clear(window, context);
    expect(processingTimers.size).toBe(0);
    const late = fakeContext(0, 9);
    trigger.onMerge?.(window, late.context);
    expect(late.processingTimers.size).toBe(0);
  });
});

describe("countTrigger", () => {
  test("fires every n records and starts counting again", () => {
    const trigger = countTrigger(3);
    const { context, state } = fakeContext();
    const results = Array.from({ length: 7 }, (_, i) => trigger.onElement(i, window, context));
    expect(results).toEqual([CONTINUE, CONTINUE, FIRE, CONTINUE, CONTINUE, FIRE, CONTINUE]);
    expect(state()).toBe(1);
    trigger.clear(window, context);
    expect(state()).toBeUndefined();
    expect(trigger.description).toBe("count(3)");
  });

  test("sums the counts of merged windows", () => {
    const trigger = countTrigger(5);
    const { context, state, merging } = fakeContext();
    merging([2, undefined, 1]);
    trigger.onMerge?.(window, context);
    expect(state()).toBe(3);
    expect(trigger.onElement(0, window, context)).toBe(CONTINUE);
    expect(trigger.onElement(0, window, context)).toBe(FIRE);
  });

  test.each([0, -1, 1.5, Number.NaN])("refuses count %s", (n) => {
    expect(() => countTrigger(n)).toThrow(PipelineDefinitionError);
  });
});

describe("continuousEventTimeTrigger", () => {
  const trigger = continuousEventTimeTrigger(4);
  const wide: TimeWindow = { start: -20, end: 20 };

  test("schedules early firings at interval boundaries and the final one at end − 1", () => {
    const { context, eventTimers, state } = fakeContext(0);
    expect(trigger.onElement(5, wide, context)).toBe(CONTINUE);
    expect([...eventTimers].sort((a, b) => a - b)).toEqual([8, 19]);
    expect(state()).toBe(8);
    expect(trigger.onElement(6, wide, context)).toBe(CONTINUE);
    expect(eventTimers.size).toBe(2);
    expect(trigger.onEventTime(8, wide, context)).toBe(FIRE);
    expect(state()).toBe(12);
    expect(trigger.onEventTime(10, wide, context)).toBe(CONTINUE);
    expect(trigger.onEventTime(19, wide, context)).toBe(FIRE);
    trigger.clear(wide, context);
    expect(state()).toBeUndefined();
    expect(eventTimers.has(12)).toBe(false);
  });

  test("floors negative timestamps to the interval grid", () => {
    const { context, state } = fakeContext(-100);
    trigger.onElement(-5, wide, context);
    expect(state()).toBe(-4);
  });

  test("never schedules past the window's end − 1, and fires at once when the watermark is past it", () => {
    const { context, state } = fakeContext(0);
    trigger.onElement(9, window, context);
    expect(state()).toBe(9);
    expect(trigger.onElement(1, window, fakeContext(9).context)).toBe(FIRE);
  });

  test("on merge keeps the earliest next firing", () => {
    const { context, eventTimers, state, merging } = fakeContext(0);
    merging([16, undefined, 12]);
    trigger.onMerge?.(wide, context);
    expect(state()).toBe(12);
    expect([...eventTimers]).toEqual([12]);
  });

  test.each([0, -4, Number.POSITIVE_INFINITY])("refuses interval %s", (interval) => {
    expect(() => continuousEventTimeTrigger(interval)).toThrow(PipelineDefinitionError);
  });
});

describe("purging", () => {
  test("turns every FIRE into FIRE_AND_PURGE and delegates the rest", () => {
    const trigger = purging(countTrigger(2));
    const { context, state } = fakeContext();
    expect(trigger.onElement(0, window, context)).toBe(CONTINUE);
    expect(trigger.onElement(0, window, context)).toBe(FIRE_AND_PURGE);
    expect(purging(eventTimeTrigger()).onEventTime(9, window, context)).toBe(FIRE_AND_PURGE);
    expect(purging(processingTimeTrigger()).onProcessingTime(9, window, context)).toBe(FIRE_AND_PURGE);
    trigger.onElement(0, window, context);
    trigger.clear(window, context);
    expect(state()).toBeUndefined();
    expect(trigger.description).toBe("purging(count(2))");
  });

  test("supports merging exactly when the wrapped trigger does", () => {
    expect(purging(countTrigger(2)).onMerge).toBeTypeOf("function");
    const { onMerge: _dropped, ...noMerge } = countTrigger(2);
    expect(purging(noMerge).onMerge).toBeUndefined();
  });
});

describe("neverTrigger", () => {
  test("never fires", () => {
    const trigger = neverTrigger();
    const { context, eventTimers } = fakeContext(100);
    expect(trigger.onElement(0, window, context)).toBe(CONTINUE);
    expect(trigger.onEventTime(9, window, context)).toBe(CONTINUE);
    expect(trigger.onProcessingTime(9, window, context)).toBe(CONTINUE);
    expect(eventTimers.size).toBe(0);
  });
});

describe("mergedTriggerStates", () => {
  test("is empty for a context without merged states", () => {
    const { mergedStates: _dropped, ...plain } = fakeContext().context;
    const context: TriggerContext = plain;
    expect(mergedTriggerStates(context)).toEqual([]);
  });
});
