import { Subject } from "rxjs";
import { describe, expect, test } from "vitest";
import type { DataStream } from "../dsl/data-stream.ts";
import { compileGraph } from "../runtime/compile.ts";
import type { StreamElement } from "../runtime/elements.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import { JobGraph } from "../runtime/graph.ts";
import { JobMetrics } from "../runtime/metrics.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import { v8Serde } from "../state/serde.ts";
import { createTestHarness } from "../testing/index.ts";
import { VirtualClock } from "../time/clock.ts";
import { timestampAssigner } from "./timestamp-assigner.ts";
import { boundedOutOfOrderness, monotonous } from "./watermark-strategy.ts";

interface Event {
  readonly t: number;
}

/** Runs a timestamp assigner on hand-fed elements, splits included (the harness has one split). */
function assignerRun(strategy = boundedOutOfOrderness(10)) {
  const clock = new VirtualClock(0);
  const graph = new JobGraph("wm");
  const input = new Subject<StreamElement<unknown>>();
  const source = graph.add("source", undefined, (id) => ({
    kind: "source",
    id,
    source: { name: "s", bounded: false, open: () => ({ next: async () => undefined }) },
  }));
  const node = graph.add("withWatermarks", undefined, (id) => ({
    kind: "operator",
    id,
    input: source,
    spec: { id, factory: timestampAssigner<Event>(strategy, (e) => e.t) as never },
  }));
  const out: StreamElement<unknown>[] = [];
  compileGraph(
    [node],
    {
      clock,
      keyGroups: 8,
      metrics: new JobMetrics(),
      serde: v8Serde,
      restoredState: () => undefined,
      acknowledgeOperator: () => {},
    },
    () => input,
  )(node).subscribe((e) => out.push(e));
  const data = (split: string, ...ts: number[]) =>
    input.next({ kind: "data", split, values: ts.map((t) => ({ t })), timestamps: ts.map(() => Number.NaN) });
  const watermarks = () => out.filter((e) => e.kind === "watermark").map((e) => e.timestamp);
  return { clock, input, data, watermarks, out };
}

describe("watermark strategies", () => {
  test("boundedOutOfOrderness: max timestamp − bound − 1", () => {
    const g = boundedOutOfOrderness(5).createGenerator();
    expect(g.currentWatermark()).toBe(Number.NEGATIVE_INFINITY);
    g.onEvent(100);
    g.onEvent(90);
    expect(g.currentWatermark()).toBe(94);
  });

  test("monotonous: max timestamp − 1", () => {
    const g = monotonous().createGenerator();
    g.onEvent(100);
    expect(g.currentWatermark()).toBe(99);
  });

  test("invalid bounds and idleness are refused with a clear error", () => {
    expect(() => boundedOutOfOrderness(-1)).toThrow(PipelineDefinitionError);
    expect(() => boundedOutOfOrderness(Number.NaN)).toThrow(/finite number >= 0, got NaN/);
    expect(() => monotonous().withIdleness(0)).toThrow(
      /withIdleness: the timeout must be a finite number > 0/,
    );
  });
});

describe("timestampAssigner", () => {
  test("assigns timestamps and emits a watermark after each batch when it advances", async () => {
    const h = createTestHarness((s: DataStream<Event>) =>
      s.withWatermarks(boundedOutOfOrderness(10), (e) => e.t),
    );
    await h.processElements([
      { value: { t: 50 }, timestamp: 0 },
      { value: { t: 40 }, timestamp: 0 },
    ]);
    await h.processElement({ t: 45 }, 0);
    await h.processElement({ t: 70 }, 0);
    expect(h.output().map((r) => r.timestamp)).toEqual([50, 40, 45, 70]);
    expect(h.watermarks()).toEqual([39, 59]);
  });

  test("ignores upstream watermarks but forwards the final one", async () => {
    const h = createTestHarness((s: DataStream<Event>) => s.withWatermarks(monotonous(), (e) => e.t));
    await h.processWatermark(1_000);
    expect(h.watermarks()).toEqual([]);
    await h.endInput();
    expect(h.watermarks()).toEqual([Number.POSITIVE_INFINITY]);
  });

  test("the watermark is the minimum over splits", () => {
    const run = assignerRun();
    run.data("a", 100);
    expect(run.watermarks()).toEqual([89]);
    run.data("b", 50);
    run.data("a", 200);
    expect(run.watermarks()).toEqual([89]);
    run.data("b", 150);
    expect(run.watermarks()).toEqual([89, 139]);
  });

  test("an idle split is left out until it sends again", () => {
    const run = assignerRun(boundedOutOfOrderness(10).withIdleness(1_000));
    run.data("a", 100);
    run.data("b", 50);
    run.clock.advanceTo(400);
    run.data("a", 300);
    expect(run.watermarks()).toEqual([89]);
    // b has been silent for 1000 ms: it no longer holds the watermark back.
    run.clock.advanceTo(1_000);
    expect(run.watermarks()).toEqual([89, 289]);
    // a record on b makes it active again; the watermark never goes back.
    run.data("b", 120);
    run.data("a", 400);
    expect(run.watermarks()).toEqual([89, 289]);
    run.data("b", 500);
    expect(run.watermarks()).toEqual([89, 289, 389]);
  });

  test("splits the source declares idle or finished do not hold the watermark back", () => {
    const run = assignerRun();
    run.data("a", 100);
    run.data("b", 20);
    // b is behind, but the watermark never goes back.
    expect(run.watermarks()).toEqual([89]);
    run.input.next({ kind: "split-status", split: "b", status: "finished" });
    run.data("a", 110);
    expect(run.watermarks()).toEqual([89, 99]);
    run.input.next({ kind: "split-status", split: "a", status: "idle" });
    run.data("c", 500);
    expect(run.watermarks()).toEqual([89, 99, 489]);
  });

  test("with every split idle, the watermark waits", () => {
    const run = assignerRun(monotonous().withIdleness(100));
    run.data("a", 10);
    run.clock.advanceTo(10_000);
    expect(run.watermarks()).toEqual([9]);
  });

  test("a timestamp that is not a finite number fails the job, naming the operator", async () => {
    const h = createTestHarness((s: DataStream<Event>) => s.withWatermarks(monotonous(), (e) => e.t));
    await expect(h.processElement({ t: Number.NaN }, 0)).rejects.toThrow(
      /withWatermarks#2: failed on a record .*the timestamp is not a finite number: NaN/,
    );
  });

  test("with an error output, bad records go there and the rest flows on", async () => {
    const errors = new OutputTag<FailedRecord<Event>>("bad-timestamps");
    const h = createTestHarness((s: DataStream<Event>) =>
      s.withWatermarks(monotonous(), (e) => e.t, { errors, name: "assign" }),
    );
    await h.processElements([
      { value: { t: 5 }, timestamp: 0 },
      { value: { t: Number.POSITIVE_INFINITY }, timestamp: 0 },
      { value: { t: 7 }, timestamp: 0 },
    ]);
    expect(h.output()).toEqual([
      { value: { t: 5 }, timestamp: 5 },
      { value: { t: 7 }, timestamp: 7 },
    ]);
    const failed = h.sideOutput(errors);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.value).toMatchObject({
      operator: "assign",
      error: "the timestamp is not a finite number: Infinity",
    });
    expect(h.metrics().assign!.failedRecords).toBe(1);
  });
});

describe("timestamps assigned by the source", () => {
  test("without timestampOf the record timestamps are kept and checked", async () => {
    const h = createTestHarness((s: DataStream<string>) => s.withWatermarks(boundedOutOfOrderness(0)));
    await h.processElement("a", 100);
    expect(h.output()).toEqual([{ value: "a", timestamp: 100 }]);
    expect(h.watermarks()).toEqual([99]);
    await expect(h.processElement("b", Number.NaN)).rejects.toThrow(
      /the timestamp is not a finite number: NaN/,
    );
  });
});
