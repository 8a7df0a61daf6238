import { expect, test } from "vitest";
import type { DataStream } from "../dsl/data-stream.ts";
import { createTestHarness } from "../testing/index.ts";
import { tumbling } from "../windows/assigners.ts";
import type { AggregateFunction } from "./aggregate-function.ts";
import { max } from "./max.ts";
import { sum } from "./sum.ts";

// A built-in's columnar and sliding forms compute the built-in's own add and result. An aggregate
// made from a built-in by spreading it and replacing a function must run what it says, not the
// built-in's fast path.

interface Reading {
  readonly k: string;
  readonly v: number;
}

const doubledSum: AggregateFunction<Reading, number, number> = {
  ...sum((r: Reading) => r.v),
  add: (acc, r) => acc + 2 * r.v,
};
const maxPlusOne: AggregateFunction<Reading, number, number> = {
  ...max((r: Reading) => r.v),
  result: (acc) => acc + 1,
};

test("the built-ins keep their fast paths; a spread copy does not inherit them", () => {
  expect(sum((r: Reading) => r.v).columnar).toBeDefined();
  expect(sum((r: Reading) => r.v).sliding).toBeDefined();
  expect(doubledSum.columnar).toBeUndefined();
  expect(doubledSum.sliding).toBeUndefined();
});

test("event-time windows run a spread aggregate's own add and result", async () => {
  for (const [fn, expected] of [
    [doubledSum, 2 * (1 + 2 + 4)],
    [maxPlusOne, 4 + 1],
  ] as const) {
    const h = createTestHarness((input: DataStream<Reading>) =>
      input
        .keyBy((r) => r.k)
        .window(tumbling(10))
        .aggregate(fn),
    );
    for (const v of [1, 2, 4]) await h.processElement({ k: "a", v }, v);
    await h.processWatermark(9);
    expect(h.values()).toEqual([{ key: "a", window: { start: 0, end: 10 }, value: expected }]);
  }
});

test("over frames run a spread aggregate's own add and result", async () => {
  for (const [fn, expected] of [
    [doubledSum, [2, 6, 14]],
    [maxPlusOne, [2, 3, 5]],
  ] as const) {
    const h = createTestHarness((input: DataStream<Reading>) =>
      input
        .keyBy((r) => r.k)
        .over({ range: 10 })
        .aggregate(fn),
    );
    for (const v of [1, 2, 4]) await h.processElement({ k: "a", v }, v);
    await h.processWatermark(9);
    expect(h.values().map((r) => r.value)).toEqual(expected);
  }
});
