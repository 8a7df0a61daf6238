import { describe, expectTypeOf, test } from "vitest";
import type { DataStream } from "../dsl/data-stream.ts";
import type { KeyedStream, OverResult } from "../dsl/keyed-stream.ts";
import type { WindowAssigner } from "../windows/assigner.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import type { AggregateFunction } from "./aggregate-function.ts";
import { avg } from "./avg.ts";
import { count } from "./count.ts";
import { first } from "./first.ts";
import { last } from "./last.ts";
import { max } from "./max.ts";
import { min } from "./min.ts";
import { type Stats, stats } from "./stats.ts";
import { sum } from "./sum.ts";
import { topN } from "./top-n.ts";

interface Tick {
  readonly symbol: string;
  readonly price: number;
  readonly at: number;
}

declare const ticks: KeyedStream<Tick, string>;
declare const minute: WindowAssigner<TimeWindow>;

type Windowed<R> = DataStream<WindowResult<string, TimeWindow, R>>;

describe("built-in aggregates in a pipeline", () => {
  test("stats infers the record and result types with or without an annotation", () => {
    expectTypeOf(ticks.window(minute).aggregate(stats((t: Tick) => t.price))).toEqualTypeOf<
      Windowed<Stats>
    >();
    expectTypeOf(ticks.window(minute).aggregate(stats((t) => t.price))).toEqualTypeOf<Windowed<Stats>>();
    expectTypeOf(ticks.over({ range: 1000 }).aggregate(stats((t) => t.price))).toEqualTypeOf<
      DataStream<OverResult<Tick, string, Stats>>
    >();
  });

  test("numeric aggregates produce numbers", () => {
    const w = ticks.window(minute);
    expectTypeOf(w.aggregate(count())).toEqualTypeOf<Windowed<number>>();
    expectTypeOf(w.aggregate(sum((t) => t.price))).toEqualTypeOf<Windowed<number>>();
    expectTypeOf(w.aggregate(min((t) => t.price))).toEqualTypeOf<Windowed<number>>();
    expectTypeOf(w.aggregate(max((t) => t.at))).toEqualTypeOf<Windowed<number>>();
    expectTypeOf(w.aggregate(avg((t) => t.price))).toEqualTypeOf<Windowed<number>>();
  });

  test("first and last default to the record, or take a projection", () => {
    const w = ticks.window(minute);
    expectTypeOf(w.aggregate(first())).toEqualTypeOf<Windowed<Tick>>();
    expectTypeOf(w.aggregate(last())).toEqualTypeOf<Windowed<Tick>>();
    expectTypeOf(w.aggregate(first((t) => t.symbol))).toEqualTypeOf<Windowed<string>>();
    expectTypeOf(w.aggregate(last((t) => ({ p: t.price })))).toEqualTypeOf<Windowed<{ p: number }>>();
  });

  test("topN yields an array of records", () => {
    expectTypeOf(ticks.window(minute).aggregate(topN(3, (t) => t.price))).toEqualTypeOf<Windowed<Tick[]>>();
  });

  test("a wrong field or a non-numeric value is a compile error", () => {
    const w = ticks.window(minute);
    // @ts-expect-error Tick has no field `volume`
    w.aggregate(sum((t) => t.volume));
    // @ts-expect-error min needs a number, `symbol` is a string
    w.aggregate(min((t) => t.symbol));
    // @ts-expect-error stats needs a number
    w.aggregate(stats((t) => t.symbol));
    // @ts-expect-error topN ranks by a number
    w.aggregate(topN(2, (t) => t.symbol));
    // @ts-expect-error an aggregate of another record type does not fit
    w.aggregate(avg((o: { amount: number }) => o.amount));
  });

  test("standalone, the functions are AggregateFunctions with the input type given", () => {
    expectTypeOf(stats((t: Tick) => t.price)).toExtend<AggregateFunction<Tick, unknown, Stats>>();
    expectTypeOf(first((t: Tick) => t.at).result).returns.toEqualTypeOf<number>();
    expectTypeOf(count()).toExtend<AggregateFunction<Tick, number, number>>();
  });
});
