import { describe, expectTypeOf, test } from "vitest";
import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { DataStream } from "../dsl/data-stream.ts";
import type { WindowedStream } from "../dsl/windowed-stream.ts";
import { pipeline } from "../pipeline.ts";
import { OutputTag } from "../runtime/output-tag.ts";
import type { Source } from "../runtime/source.ts";
import type { WindowAssigner } from "./assigner.ts";
import { global, session, sliding, tumbling, tumblingProcessingTime } from "./assigners.ts";
import type { Trigger } from "./trigger.ts";
import {
  continuousEventTimeTrigger,
  countTrigger,
  eventTimeTrigger,
  neverTrigger,
  purging,
} from "./triggers.ts";
import type { GlobalWindow, TimeWindow, WindowResult } from "./window.ts";

interface Click {
  readonly page: string;
  readonly userId: number;
  readonly at: number;
}
interface Purchase {
  readonly amount: number;
}

declare const clicks: Source<Click>;

const countClicks: AggregateFunction<Click, number, number> = {
  create: () => 0,
  add: (acc) => acc + 1,
  merge: (a, b) => a + b,
  result: (acc) => acc,
};
const totalSpent: AggregateFunction<Purchase, number, number> = {
  create: () => 0,
  add: (acc, p) => acc + p.amount,
  merge: (a, b) => a + b,
  result: (acc) => acc,
};

const keyed = () =>
  pipeline("types")
    .source(clicks)
    .keyBy((c) => c.page);

describe("window types", () => {
  test("assigners fix the window type; windowed streams keep record and key types", () => {
    expectTypeOf(tumbling(10)).toExtend<WindowAssigner<TimeWindow>>();
    expectTypeOf(global()).toExtend<WindowAssigner<GlobalWindow>>();
    expectTypeOf(keyed().window(tumbling(10))).toEqualTypeOf<WindowedStream<Click, string, TimeWindow>>();
    expectTypeOf(keyed().window(sliding(10, 5))).toEqualTypeOf<WindowedStream<Click, string, TimeWindow>>();
    expectTypeOf(keyed().window(global())).toEqualTypeOf<WindowedStream<Click, string, GlobalWindow>>();
    const byUser = pipeline("types")
      .source(clicks)
      .keyBy((c) => c.userId);
    expectTypeOf(byUser.window(session(30))).toEqualTypeOf<WindowedStream<Click, number, TimeWindow>>();
  });

  test("aggregate, reduce and process infer the result type", () => {
    const windowed = keyed().window(tumbling(10));
    expectTypeOf(windowed.aggregate(countClicks)).toEqualTypeOf<
      DataStream<WindowResult<string, TimeWindow, number>>
    >();
    expectTypeOf(windowed.reduce((a, b) => (a.at > b.at ? a : b))).toEqualTypeOf<
      DataStream<WindowResult<string, TimeWindow, Click>>
    >();
    const pages = windowed.process<string>((elements, context) => {
      expectTypeOf(elements).toEqualTypeOf<readonly Click[]>();
      expectTypeOf(context.key).toEqualTypeOf<string>();
      expectTypeOf(context.window).toEqualTypeOf<TimeWindow>();
      context.emit(`${context.key}: ${elements.length}`);
    });
    expectTypeOf(pages).toEqualTypeOf<DataStream<string>>();
    expectTypeOf(keyed().window(global()).trigger(countTrigger(5)).aggregate(countClicks)).toEqualTypeOf<
      DataStream<WindowResult<string, GlobalWindow, number>>
    >();
  });

  test("settings keep the windowed stream's type; triggers fit any time window", () => {
    const late = new OutputTag<Click>("late");
    const windowed = keyed()
      .window(tumblingProcessingTime(10))
      .allowedLateness(5)
      .sideOutputLateData(late)
      .trigger(purging(continuousEventTimeTrigger(2)));
    expectTypeOf(windowed).toEqualTypeOf<WindowedStream<Click, string, TimeWindow>>();
    expectTypeOf(windowed.aggregate(countClicks).getSideOutput(late)).toEqualTypeOf<DataStream<Click>>();
    expectTypeOf(eventTimeTrigger()).toEqualTypeOf<Trigger<TimeWindow>>();
    expectTypeOf(purging(neverTrigger())).toEqualTypeOf<Trigger<TimeWindow>>();
  });

  test("misuse does not compile", () => {
    const windowed = keyed().window(tumbling(10));
    // @ts-expect-error the aggregate must take the stream's records
    windowed.aggregate(totalSpent);
    // @ts-expect-error a late side output of clicks must carry clicks
    windowed.sideOutputLateData(new OutputTag<string>("late"));
    // @ts-expect-error a windowed stream is not a stream: aggregate, reduce or process it first
    windowed.map((c: Click) => c.page);
    // @ts-expect-error nor can it be sunk
    windowed.sink({});
    pipeline("types")
      .source(clicks)
      // @ts-expect-error keys are strings or numbers; derive a string for composite keys
      .keyBy((c) => ({ page: c.page, user: c.userId }));
    const counts = windowed.aggregate(countClicks);
    // @ts-expect-error the result of a click-count window is a number
    expectTypeOf(counts).toEqualTypeOf<DataStream<WindowResult<string, TimeWindow, string>>>();
  });
});
