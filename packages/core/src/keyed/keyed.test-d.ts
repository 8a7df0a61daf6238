import { describe, expectTypeOf, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import type { OverResult, OverStream } from "../dsl/keyed-stream.ts";
import { pipeline } from "../pipeline.ts";
import { OutputTag } from "../runtime/output-tag.ts";
import type { Source } from "../runtime/source.ts";
import { hours } from "../time/duration.ts";
import { listState, mapState, valueState } from "./state-descriptors.ts";

interface Click {
  readonly page: string;
  readonly userId: number;
  readonly at: number;
}
interface Tick {
  readonly symbol: string;
  readonly price: number;
}

declare const clicks: Source<Click>;
declare const ticks: Source<Tick>;
declare const avgPrice: AggregateFunction<Tick, { sum: number; n: number }, number>;
declare const clickCount: AggregateFunction<Click, number, number>;

describe("keyed process types", () => {
  test("state handle types are inferred from the declarations", () => {
    pipeline("types")
      .source(clicks)
      .keyBy((c) => c.page)
      .process({
        state: {
          count: valueState(0),
          lastUser: valueState<number>(),
          pages: listState<string>(),
          perUser: mapState<number, string>(),
        },
        processElement(click, ctx) {
          expectTypeOf(click).toEqualTypeOf<Click>();
          expectTypeOf(ctx.key).toEqualTypeOf<string>();
          expectTypeOf(ctx.timestamp).toEqualTypeOf<number>();
          expectTypeOf(ctx.state.count.value()).toEqualTypeOf<number>();
          expectTypeOf(ctx.state.lastUser.value()).toEqualTypeOf<number | undefined>();
          expectTypeOf(ctx.state.pages.get()).toEqualTypeOf<readonly string[]>();
          expectTypeOf(ctx.state.perUser.get).parameter(0).toEqualTypeOf<number>();
          expectTypeOf(ctx.state.perUser.get(1)).toEqualTypeOf<string | undefined>();
          expectTypeOf(ctx.state.perUser.entries()).toEqualTypeOf<IterableIterator<[number, string]>>();
          // @ts-expect-error a value state takes values of its declared type
          ctx.state.count.update("one");
          // @ts-expect-error a list state holds its declared element type
          ctx.state.pages.add(1);
          // @ts-expect-error a map state's keys have the declared type
          ctx.state.perUser.put("1", "x");
          // @ts-expect-error only declared state exists
          ctx.state.missing.value();
        },
        onTimer(time, ctx) {
          expectTypeOf(time).toEqualTypeOf<number>();
          expectTypeOf(ctx.timeDomain).toEqualTypeOf<"event-time" | "processing-time">();
          expectTypeOf(ctx.state.count.value()).toEqualTypeOf<number>();
        },
      });
  });

  test("a function without state has no state handles", () => {
    pipeline("types")
      .source(clicks)
      .keyBy((c) => c.userId)
      .process({
        processElement(_click, ctx) {
          expectTypeOf(ctx.key).toEqualTypeOf<number>();
          // @ts-expect-error nothing was declared
          ctx.state.count.value();
        },
      });
  });

  test("map state keys must be strings or numbers", () => {
    expectTypeOf(mapState<string, number>()).not.toBeNever();
    // @ts-expect-error an object is not a map-state key: derive a string
    mapState<{ id: number }, number>();
  });

  test("emit is checked against the stream's output type", () => {
    const keyed = pipeline("types")
      .source(clicks)
      .keyBy((c) => c.page);
    // The output type comes from where the stream goes (or from an explicit type argument).
    const counts: DataStream<{ page: string; count: number }> = keyed.process({
      state: { count: valueState(0) },
      processElement(_click, ctx) {
        const count = ctx.state.count.value() + 1;
        ctx.state.count.update(count);
        ctx.emit({ page: ctx.key, count });
        // @ts-expect-error count must be a number
        ctx.emit({ page: ctx.key, count: "1" });
        ctx.emit({ page: ctx.key, count }, 1_000);
      },
    });
    expectTypeOf(counts).toEqualTypeOf<DataStream<{ page: string; count: number }>>();

    const pages = keyed.process<string>({
      processElement(click, ctx) {
        ctx.emit(click.page);
        // @ts-expect-error the stream carries strings
        ctx.emit(click.userId);
      },
    });
    expectTypeOf(pages).toEqualTypeOf<DataStream<string>>();
  });

  test("side outputs carry their tag's type", () => {
    const late = new OutputTag<Click>("late");
    pipeline("types")
      .source(clicks)
      .keyBy((c) => c.page)
      .process<string>({
        processElement(click, ctx) {
          ctx.output(late, click);
          // @ts-expect-error the tag carries clicks
          ctx.output(late, "not a click");
        },
      });
  });
});

describe("reduce types", () => {
  test("a rolling reduce keeps the stream's type", () => {
    const keyed = pipeline("types")
      .source(ticks)
      .keyBy((t) => t.symbol);
    expectTypeOf(keyed.reduce((a, b) => (a.price > b.price ? a : b))).toEqualTypeOf<DataStream<Tick>>();
    // @ts-expect-error the reducer returns the stream's type
    keyed.reduce((a, b) => a.price + b.price);
  });
});

describe("over types", () => {
  test("over(...).aggregate(fn) gives OverResult<T, K, R>", () => {
    const keyed = pipeline("types")
      .source(ticks)
      .keyBy((t) => t.symbol);
    expectTypeOf(keyed.over({ range: hours(1) })).toEqualTypeOf<OverStream<Tick, string>>();
    const averages = keyed.over({ range: hours(1) }).aggregate(avgPrice);
    expectTypeOf(averages).toEqualTypeOf<DataStream<OverResult<Tick, string, number>>>();
    expectTypeOf(keyed.over({ rows: 1 }).aggregate(avgPrice)).toEqualTypeOf<
      DataStream<OverResult<Tick, string, number>>
    >();
    averages.map((r) => {
      expectTypeOf(r.key).toEqualTypeOf<string>();
      expectTypeOf(r.record).toEqualTypeOf<Tick>();
      expectTypeOf(r.value).toEqualTypeOf<number>();
      return r.value;
    });
  });

  test("misuse is a compile error", () => {
    const keyed = pipeline("types")
      .source(ticks)
      .keyBy((t) => t.symbol);
    // @ts-expect-error the aggregate must take the stream's records
    keyed.over({ range: hours(1) }).aggregate(clickCount);
    // @ts-expect-error a frame is a range or a number of rows
    keyed.over({ minutes: 5 });
    // @ts-expect-error the late side output carries the stream's records
    keyed.over({ rows: 3 }).sideOutputLateData(new OutputTag<Click>("late"));
  });
});
