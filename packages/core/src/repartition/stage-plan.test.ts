import { describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { generatorSource } from "../io/generator-source.ts";
import { pipeline } from "../pipeline.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { JobGraph } from "../runtime/graph.ts";
import type { Output } from "../runtime/operator.ts";
import { v8Serde } from "../state/serde.ts";
import { VirtualClock } from "../time/clock.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import { RecordNumbering } from "./record-numbering.ts";
import { findRepartitionCuts, planStages } from "./stage-plan.ts";
import { byIp, byPage, type Click, clickAt, clicksPerPage } from "./test-support/clicks-per-page.ts";
import { MemoryRepartitionChannel } from "./test-support/memory-channel.ts";
import { testOperatorContext } from "./test-support/operator-context.ts";

function clicks() {
  const job = pipeline("cut", { checkpoints: { every: 1_000, store: new MemoryCheckpointStore() } });
  const stream = job.source(
    generatorSource({ partitions: 2, partitionKey: byIp, count: 10, generate: clickAt }),
    {
      name: "clicks",
    },
  );
  return stream;
}
const sink = { name: "none", write() {} };
/** Keys by ip like `byIp`, but is another function: the runtime cannot tell it is the partition key. */
const byIp2 = (c: Click) => c.ip;

describe("where a job is cut for a repartition", () => {
  test("before the keyed operator whose key is not the source's partition key", () => {
    const { job, graph } = clicksPerPage(new Map(), { store: new MemoryCheckpointStore() });
    const cuts = findRepartitionCuts(job.name, graph);
    expect(cuts).toHaveLength(1);
    expect(cuts[0]!.operator.id).toBe("per-page");
    expect(cuts[0]!.source.id).toBe("clicks");
    expect(cuts[0]!.keyOf).toBe(byPage);
  });

  test("nowhere when every keyed operator keys by the source's partition key", () => {
    const stream = clicks();
    stream.keyBy(byIp).window(tumbling(1_000)).aggregate(count()).sink(sink);
    expect(findRepartitionCuts("cut", stream.graph)).toEqual([]);
  });

  test("a key function that computes the same key, but is another function, is cut", () => {
    const stream = clicks();
    stream
      .keyBy((c) => c.ip)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-ip" })
      .sink(sink);
    expect(findRepartitionCuts("cut", stream.graph).map((c) => c.operator.id)).toEqual(["per-ip"]);
  });

  test("after map and flatMap, which hand each record on at once and in order", () => {
    const stream = clicks();
    stream
      .map((c) => ({ ...c, page: c.page.toUpperCase() }), { name: "upper" })
      .flatMap((c) => [c, c], { name: "twice" })
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(sink);
    expect(findRepartitionCuts("cut", stream.graph).map((c) => c.operator.id)).toEqual(["per-page"]);
  });

  test("after a reduce keyed by the source's partition key (co-partitioned), not after one keyed otherwise", () => {
    const stream = clicks();
    stream
      .keyBy(byIp)
      .reduce((_, c) => c, { name: "latest-per-ip" })
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(sink);
    expect(findRepartitionCuts("cut", stream.graph).map((c) => c.operator.id)).toEqual(["per-page"]);
    const other = clicks();
    other
      .keyBy((c) => c.ip)
      .reduce((_, c) => c, { name: "latest-per-ip" })
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(sink);
    // Keyed by another function: the reduce is cut, and the window after it is a chain.
    expect(() => findRepartitionCuts("cut", other.graph)).toThrow(
      /keyed operator "per-page" \(after "latest-per-ip"\) needs its own after another's/,
    );
  });

  test("what this version cannot cut is refused in one line", () => {
    const processed = clicks();
    processed
      .process<Click>({ processElement: (c, ctx) => ctx.emit(c) }, { name: "copy" })
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(sink);
    expect(() => findRepartitionCuts("cut", processed.graph)).toThrow(
      new PipelineDefinitionError(
        'job "cut" runs on several workers with a repartition, but "copy" stands between source "clicks" and keyed operator "per-page": a repartition after anything but filter, withWatermarks, map, flatMap and a reduce keyed by the source\'s partitionKey is not supported yet',
      ),
    );
    const twice = clicks();
    twice
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .keyBy((r) => r.value)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-count" })
      .sink(sink);
    expect(() => findRepartitionCuts("cut", twice.graph)).toThrow(
      new PipelineDefinitionError(
        'job "cut" runs on several workers with a repartition, but keyed operator "per-count" (after "per-page") needs its own after another\'s: a chain of repartitions is not supported yet',
      ),
    );
  });

  test("a node that reads both sides of the cut is refused", () => {
    const stream = clicks();
    const perPage = stream.keyBy(byPage).window(tumbling(1_000)).aggregate(count(), { name: "per-page" });
    perPage
      .map((r) => r.key)
      .union(stream.map((c) => c.page))
      .sink(sink);
    const cuts = findRepartitionCuts("cut", stream.graph);
    expect(() =>
      planStages({
        job: "cut",
        graph: stream.graph,
        cuts,
        channel: new MemoryRepartitionChannel(),
        serde: v8Serde,
        keyGroups: 128,
        numbering: new RecordNumbering(),
        upstreamSplits: () => [],
      }),
    ).toThrow(/reads both sides of it .* that is not supported yet/);
  });
});

describe("several repartitions, as branches from the source", () => {
  /** Clicks through `parse` and `timestamps`, then one branch per key, each counted in windows. */
  function branches(keys: Record<string, (c: Click) => string>) {
    const job = pipeline("branches", { checkpoints: { every: 1_000, store: new MemoryCheckpointStore() } });
    const parsed = job
      .source(generatorSource({ partitions: 2, partitionKey: byIp, count: 10, generate: clickAt }), {
        name: "clicks",
      })
      .map((c) => c, { name: "parse" })
      .withWatermarks(boundedOutOfOrderness(1_000), (c) => c.at, { name: "timestamps" });
    for (const [name, key] of Object.entries(keys)) {
      parsed
        .keyBy(key)
        .window(tumbling(1_000))
        .aggregate(count(), { name })
        .sink(sink, { name: `${name}-out` });
    }
    return parsed.graph;
  }
  const plan = (graph: JobGraph, numbering = new RecordNumbering()) =>
    planStages({
      job: "branches",
      graph,
      cuts: findRepartitionCuts("branches", graph),
      channel: new MemoryRepartitionChannel(),
      serde: v8Serde,
      keyGroups: 128,
      numbering,
      upstreamSplits: () => [],
    });
  test("two branches sharing a prefix get a cut each, ordered by operator id", () => {
    const graph = branches({ "per-page": byPage, "per-country": (c) => c.ip.split(".")[0]! });
    const { stages, streams } = plan(graph);
    expect(findRepartitionCuts("branches", graph).map((c) => c.operator.id)).toEqual([
      "per-country",
      "per-page",
    ]);
    expect(streams).toEqual(["branches-per-country-repartition", "branches-per-page-repartition"]);
    expect(stages.map((s) => [s.index, s.name, s.streams])).toEqual([
      [0, "branches", streams],
      [1, "branches/stage-1", ["branches-per-country-repartition"]],
      [2, "branches/stage-2", ["branches-per-page-repartition"]],
    ]);
    expect(stages[0]!.graph.describe().nodes.map((n) => n.id)).toEqual([
      "clicks",
      "parse",
      "timestamps",
      "repartition-writer(per-country)",
      "repartition-out(per-country)",
      "repartition-writer(per-page)",
      "repartition-out(per-page)",
    ]);
    expect(stages[0]!.graph.describe().edges).toContainEqual({
      from: "timestamps",
      to: "repartition-writer(per-page)",
    });
    expect(stages[1]!.graph.describe().nodes.map((n) => n.id)).toEqual([
      "repartition-in(per-country)",
      "repartition-reader(per-country)",
      "per-country",
      "per-country-out",
    ]);
    expect(stages[2]!.graph.describe().nodes.map((n) => n.id)).toEqual([
      "repartition-in(per-page)",
      "repartition-reader(per-page)",
      "per-page",
      "per-page-out",
    ]);
  });

  test("three branches get three stages; the shared assigner keeps each writer's floor", () => {
    const graph = branches({
      "per-page": byPage,
      "per-ip-prefix": (c) => c.ip.slice(0, 6),
      "per-minute": (c) => String(Math.floor(c.at / 60_000)),
    });
    const numbering = new RecordNumbering();
    const { stages } = plan(graph, numbering);
    expect(stages.map((s) => s.name)).toEqual([
      "branches",
      "branches/stage-1",
      "branches/stage-2",
      "branches/stage-3",
    ]);
    expect(stages.slice(1).map((s) => s.graph.describe().nodes[2]!.id)).toEqual([
      "per-ip-prefix",
      "per-minute",
      "per-page",
    ]);
    const timestamps = stages[0]!.graph.nodes.find((n) => n.id === "timestamps")!;
    if (timestamps.kind !== "operator") throw new Error("not an operator");
    const output = { emitBatch() {}, emit() {}, emitWatermark() {} } as unknown as Output<unknown>;
    // The context's own listener (the checkpoint's) hears the split's watermark as well.
    const heard: [string, number][] = [];
    const assigner = timestamps.spec.factory(
      {
        ...testOperatorContext("timestamps", new VirtualClock(), 128),
        splitWatermark: (split, watermark) => heard.push([split, watermark]),
      },
      output,
    );
    numbering.reset();
    numbering.opened();
    const position = numbering.position("partition-1", 7);
    assigner.processBatch({
      kind: "data",
      values: [{ ...clickAt(1), at: 50_000 }],
      timestamps: [0],
      split: "clicks/partition-1",
    });
    expect(position).toEqual({
      inner: 7,
      numbered: { "per-ip-prefix": 0, "per-minute": 0, "per-page": 0 },
      watermark: { "per-ip-prefix": 48_999, "per-minute": 48_999, "per-page": 48_999 },
    });
    // First that it knows the split (a checkpoint keeps it), then the split's watermark.
    expect(heard).toEqual([
      ["clicks/partition-1", Number.NEGATIVE_INFINITY],
      ["clicks/partition-1", 48_999],
    ]);
  });

  test("a keyed operator after another's repartition (a chain) is refused, naming it", () => {
    const job = pipeline("chain", { checkpoints: { every: 1_000, store: new MemoryCheckpointStore() } });
    const hits = job
      .source(generatorSource({ partitions: 2, partitionKey: byIp, count: 10, generate: clickAt }), {
        name: "clicks",
      })
      .withWatermarks(boundedOutOfOrderness(1_000), (c) => c.at);
    const perPage = hits.keyBy(byPage).window(tumbling(1_000)).aggregate(count(), { name: "hits-per-page" });
    perPage.sink(sink);
    perPage
      .keyBy((r) => r.window.start)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "top-pages" })
      .sink(sink);
    hits.keyBy(byIp2).window(tumbling(1_000)).aggregate(count(), { name: "sessions" }).sink(sink);
    expect(() => findRepartitionCuts("chain", hits.graph)).toThrow(
      new PipelineDefinitionError(
        'job "chain" runs on several workers with a repartition, but keyed operator "top-pages" (after "hits-per-page") needs its own after another\'s: a chain of repartitions is not supported yet',
      ),
    );
  });

  test("a node reading the outputs of two cuts is refused", () => {
    const job = pipeline("joined", { checkpoints: { every: 1_000, store: new MemoryCheckpointStore() } });
    const clicks = job.source(
      generatorSource({ partitions: 2, partitionKey: byIp, count: 10, generate: clickAt }),
      { name: "clicks" },
    );
    const perPage = clicks.keyBy(byPage).window(tumbling(1_000)).aggregate(count(), { name: "per-page" });
    const perIp = clicks.keyBy(byIp2).window(tumbling(1_000)).aggregate(count(), { name: "per-ip" });
    perPage.union(perIp).sink(sink, { name: "both" });
    expect(() => plan(clicks.graph)).toThrow(
      /"union#\d+" reads what both "per-ip" and "per-page" emit \(two repartitions\): that is not supported yet$/,
    );
  });
});

describe("the stages of a cut job", () => {
  test("stage 0 ends in the repartition writer; stage 1 reads the stream and keeps the operators' ids", () => {
    const { job, graph } = clicksPerPage(new Map(), { store: new MemoryCheckpointStore() });
    const cuts = findRepartitionCuts(job.name, graph);
    const plan = planStages({
      job: job.name,
      graph,
      cuts,
      channel: new MemoryRepartitionChannel(),
      serde: v8Serde,
      keyGroups: 128,
      numbering: new RecordNumbering(),
      upstreamSplits: () => [],
    });
    expect(plan.streams).toEqual(["clicks-per-page-per-page-repartition"]);
    const [upstream, downstream] = plan.stages.map((stage) => stage.graph.describe());
    expect(plan.stages.map((s) => s.name)).toEqual(["clicks-per-page", "clicks-per-page/stage-1"]);
    expect(upstream!.nodes.map((n) => n.id)).toEqual([
      "clicks",
      "timestamps",
      "no-p22",
      "repartition-writer(per-page)",
      "repartition-out(per-page)",
    ]);
    expect(downstream!.nodes.map((n) => n.id)).toEqual([
      "repartition-in(per-page)",
      "repartition-reader(per-page)",
      "per-page",
      "out",
    ]);
    expect(downstream!.edges).toContainEqual({ from: "repartition-reader(per-page)", to: "per-page" });
    // The original graph is untouched: a single-process run still runs it whole.
    expect(graph.describe().edges).toContainEqual({ from: "no-p22", to: "per-page" });
  });
});

describe("the floor a stage-0 split restarts from", () => {
  test("is the split's own watermark, from the assigner before the cut, not the run's merged one", () => {
    const { job, graph } = clicksPerPage(new Map(), { store: new MemoryCheckpointStore() });
    const numbering = new RecordNumbering();
    const plan = planStages({
      job: job.name,
      graph,
      cuts: findRepartitionCuts(job.name, graph),
      channel: new MemoryRepartitionChannel(),
      serde: v8Serde,
      keyGroups: 128,
      numbering,
      upstreamSplits: () => [],
    });
    const timestamps = plan.stages[0]!.graph.nodes.find((n) => n.id === "timestamps")!;
    if (timestamps.kind !== "operator") throw new Error("not an operator");
    const clock = new VirtualClock();
    const context = testOperatorContext("timestamps", clock, 128);
    const output = { emitBatch() {}, emit() {}, emitWatermark() {} } as unknown as Output<unknown>;
    const assigner = timestamps.spec.factory(context, output);
    numbering.reset();
    numbering.opened();
    // Split 1 reads far ahead of split 0: the run's watermark is split 0's, split 1 keeps its own
    // (boundedOutOfOrderness(10 s): a split's newest time - 10 000 - 1).
    const ahead = numbering.position("partition-1", 7);
    assigner.processBatch({
      kind: "data",
      values: [{ ...clickAt(1), at: 50_000 }],
      timestamps: [0],
      split: "clicks/partition-1",
    });
    const behind = numbering.position("partition-0", 3);
    assigner.processBatch({
      kind: "data",
      values: [clickAt(2)],
      timestamps: [0],
      split: "clicks/partition-0",
    });
    expect(ahead).toEqual({ inner: 7, numbered: { "per-page": 0 }, watermark: { "per-page": 39_999 } });
    expect(behind).toEqual({ inner: 3, numbered: { "per-page": 0 }, watermark: { "per-page": 4 - 10_001 } });
    // A later position of split 1 starts from it.
    expect(numbering.position("partition-1", 8)).toEqual({
      inner: 8,
      numbered: { "per-page": 0 },
      watermark: { "per-page": 39_999 },
    });
  });
});
