import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import {
  global,
  session,
  sliding,
  slidingProcessingTime,
  tumbling,
  tumblingProcessingTime,
  windowStart,
} from "./assigners.ts";
import { eventTimeTrigger, neverTrigger, processingTimeTrigger } from "./triggers.ts";

describe("windowStart", () => {
  test("floors to the window grid for positive and negative timestamps", () => {
    expect(windowStart(0, 0, 10)).toBe(0);
    expect(windowStart(9, 0, 10)).toBe(0);
    expect(windowStart(10, 0, 10)).toBe(10);
    expect(windowStart(-1, 0, 10)).toBe(-10);
    expect(windowStart(-10, 0, 10)).toBe(-10);
    expect(windowStart(-11, 0, 10)).toBe(-20);
  });

  test("is ts − mod(ts − offset, size) with a non-negative modulo, up to epoch-millisecond magnitudes", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 42), max: 2 ** 42 }),
        fc.integer({ min: 1, max: 86_400_000 }),
        fc.double({ min: -0.999, max: 0.999, noNaN: true }),
        (timestamp, size, fraction) => {
          const offset = Math.trunc(fraction * size);
          const mod = (((timestamp - offset) % size) + size) % size;
          const start = windowStart(timestamp, offset, size);
          expect(start).toBe(timestamp - mod);
          expect(start <= timestamp && timestamp < start + size).toBe(true);
        },
      ),
    );
  });

  test("shifts the grid by the offset, positive or negative", () => {
    expect(windowStart(2, 3, 10)).toBe(-7);
    expect(windowStart(3, 3, 10)).toBe(3);
    expect(windowStart(6, -3, 10)).toBe(-3);
    expect(windowStart(7, -3, 10)).toBe(7);
    expect(windowStart(-4, -3, 10)).toBe(-13);
  });
});

describe("tumbling", () => {
  test("assigns one window [start, start + size)", () => {
    const assigner = tumbling(10);
    expect(assigner.assignWindows(15)).toEqual([{ start: 10, end: 20 }]);
    expect(assigner.assignWindows(-5)).toEqual([{ start: -10, end: 0 }]);
    expect(tumbling(10, 4).assignWindows(3)).toEqual([{ start: -6, end: 4 }]);
    expect(assigner).toMatchObject({
      kind: "tumbling",
      size: 10,
      offset: 0,
      eventTime: true,
      merging: false,
    });
    expect(assigner.description).toBe("tumbling(10)");
    expect(tumbling(10, -2).description).toBe("tumbling(10, -2)");
    expect(assigner.defaultTrigger()).toBe(eventTimeTrigger());
  });

  test.each([
    [0, 0],
    [-5, 0],
    [Number.NaN, 0],
    [Number.POSITIVE_INFINITY, 0],
    [10, 10],
    [10, -10],
    [10, Number.NaN],
  ])("refuses size %s with offset %s", (size, offset) => {
    expect(() => tumbling(size, offset)).toThrow(PipelineDefinitionError);
  });

  test("names the bad parameter", () => {
    expect(() => tumbling(0)).toThrow("tumbling: size must be a finite number > 0, got 0");
    expect(() => tumbling(10, 12)).toThrow("|offset| < size");
  });
});

describe("sliding", () => {
  test("assigns size / slide windows, latest first", () => {
    expect(sliding(10, 5).assignWindows(7)).toEqual([
      { start: 5, end: 15 },
      { start: 0, end: 10 },
    ]);
    expect(sliding(10, 5).assignWindows(5)).toEqual([
      { start: 5, end: 15 },
      { start: 0, end: 10 },
    ]);
    expect(sliding(10, 3).assignWindows(0)).toEqual([
      { start: 0, end: 10 },
      { start: -3, end: 7 },
      { start: -6, end: 4 },
      { start: -9, end: 1 },
    ]);
    expect(sliding(10, 5, 2).assignWindows(-1)).toEqual([
      { start: -3, end: 7 },
      { start: -8, end: 2 },
    ]);
    expect(sliding(10, 10).assignWindows(3)).toEqual([{ start: 0, end: 10 }]);
  });

  test.each([
    [0, 5, 0],
    [10, 0, 0],
    [10, -1, 0],
    [10, Number.NaN, 0],
    [10, 5, 5],
    [10, 5, -5],
  ])("refuses size %s, slide %s, offset %s", (size, slide, offset) => {
    expect(() => sliding(size, slide, offset)).toThrow(PipelineDefinitionError);
  });

  test("refuses a slide larger than the size: records between windows would be lost", () => {
    expect(() => sliding(5, 10)).toThrow("must not exceed size");
  });
});

describe("session", () => {
  test("opens [ts, ts + gap) and merges", () => {
    const assigner = session(30);
    expect(assigner.assignWindows(-5)).toEqual([{ start: -5, end: 25 }]);
    expect(assigner).toMatchObject({ kind: "session", merging: true, eventTime: true, gap: 30 });
    expect(assigner.defaultTrigger()).toBe(eventTimeTrigger());
  });

  test.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])("refuses gap %s", (gap) => {
    expect(() => session(gap)).toThrow(PipelineDefinitionError);
  });
});

describe("global", () => {
  test("one window for all time, never fired by default, not event time", () => {
    const assigner = global();
    expect(assigner.assignWindows(5)).toEqual([
      { start: Number.NEGATIVE_INFINITY, end: Number.POSITIVE_INFINITY },
    ]);
    expect(assigner.assignWindows(Number.NaN)).toBe(assigner.assignWindows(7));
    expect(assigner).toMatchObject({ kind: "global", eventTime: false, merging: false });
    expect(assigner.defaultTrigger()).toBe(neverTrigger());
  });
});

describe("processing-time assigners", () => {
  test("assign by the time given and default to the processing-time trigger", () => {
    const tumblingPt = tumblingProcessingTime(10);
    expect(tumblingPt.eventTime).toBe(false);
    expect(tumblingPt.assignWindows(12)).toEqual([{ start: 10, end: 20 }]);
    expect(tumblingPt.defaultTrigger()).toBe(processingTimeTrigger());
    const slidingPt = slidingProcessingTime(10, 5);
    expect(slidingPt.eventTime).toBe(false);
    expect(slidingPt.assignWindows(12)).toHaveLength(2);
    expect(() => tumblingProcessingTime(0)).toThrow(PipelineDefinitionError);
    expect(() => slidingProcessingTime(10, 20)).toThrow(PipelineDefinitionError);
  });
});
