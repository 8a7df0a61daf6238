import { describe, expectTypeOf, test } from "vitest";
import { pipeline } from "../pipeline.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import type { Sink } from "../runtime/sink.ts";
import type { Source } from "../runtime/source.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import type { DataStream } from "./data-stream.ts";
import type { KeyedStream } from "./keyed-stream.ts";

interface Click {
  readonly page: string;
  readonly userId: number;
  readonly at: number;
}
interface Purchase {
  readonly kind: "purchase";
  readonly amount: number;
}
interface View {
  readonly kind: "view";
  readonly page: string;
}

declare const clicks: Source<Click>;
declare const events: Source<Purchase | View>;

describe("DataStream types", () => {
  test("a source's type flows through map and flatMap", () => {
    const job = pipeline("types");
    const stream = job.source(clicks);
    expectTypeOf(stream).toEqualTypeOf<DataStream<Click>>();
    expectTypeOf(stream.map((c) => c.page)).toEqualTypeOf<DataStream<string>>();
    expectTypeOf(stream.flatMap((c) => [c.userId, c.at])).toEqualTypeOf<DataStream<number>>();
  });

  test("filter with a type guard narrows; a plain predicate keeps the type", () => {
    const stream = pipeline("types").source(events);
    expectTypeOf(stream.filter((e): e is Purchase => e.kind === "purchase")).toEqualTypeOf<
      DataStream<Purchase>
    >();
    // TypeScript infers a guard from `(e) => e.kind === "view"` by itself; this predicate is not one.
    expectTypeOf(stream.filter((e) => e.kind === "view" && e.page.length > 1)).toEqualTypeOf<
      DataStream<Purchase | View>
    >();
  });

  test("keyBy infers the key; keys are strings or numbers", () => {
    const stream = pipeline("types").source(clicks);
    expectTypeOf(stream.keyBy((c) => c.page)).toEqualTypeOf<KeyedStream<Click, string>>();
    expectTypeOf(stream.keyBy((c) => c.userId)).toEqualTypeOf<KeyedStream<Click, number>>();
    // @ts-expect-error an object is not a key: derive a string for composite keys
    stream.keyBy((c) => ({ page: c.page, user: c.userId }));
  });

  test("withWatermarks keeps the type and needs a numeric timestamp", () => {
    const stream = pipeline("types").source(clicks);
    expectTypeOf(stream.withWatermarks(boundedOutOfOrderness(5), (c) => c.at)).toEqualTypeOf<
      DataStream<Click>
    >();
    // @ts-expect-error the timestamp must be a number of epoch milliseconds
    stream.withWatermarks(boundedOutOfOrderness(5), (c) => c.page);
  });

  test("union and sinks take only streams of the same type", () => {
    const job = pipeline("types");
    const a = job.source(clicks);
    const pages = a.map((c) => c.page);
    expectTypeOf(a.union(a)).toEqualTypeOf<DataStream<Click>>();
    // @ts-expect-error a stream of strings is not a stream of clicks
    a.union(pages);
    const clickSink = {} as Sink<Click>;
    a.sink(clickSink);
    // @ts-expect-error a sink of clicks does not take strings
    pages.sink(clickSink);
  });

  test("side outputs carry their tag's type, error outputs the failed input", () => {
    const stream = pipeline("types").source(clicks);
    const errors = new OutputTag<FailedRecord<Click>>("errors");
    const mapped = stream.map((c) => c.page, { errors });
    expectTypeOf(mapped.getSideOutput(errors)).toEqualTypeOf<DataStream<FailedRecord<Click>>>();
    const wrong = new OutputTag<FailedRecord<string>>("wrong");
    // @ts-expect-error the error output of a map over clicks holds clicks
    stream.map((c) => c.page, { errors: wrong });
  });
});
