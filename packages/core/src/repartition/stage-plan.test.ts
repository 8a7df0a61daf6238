import { describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { generatorSource } from "../io/generator-source.ts";
import { pipeline } from "../pipeline.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { OperatorOutput } from "../runtime/operator.ts";
import { v8Serde } from "../state/serde.ts";
import { VirtualClock } from "../time/clock.ts";
import { tumbling } from "../windows/assigners.ts";
import { RecordNumbering } from "./record-numbering.ts";
import { findRepartitionCut, planStages } from "./stage-plan.ts";
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

describe("where a job is cut for a repartition", () => {
  test("before the keyed operator whose key is not the source's partition key", () => {
    const { job, graph } = clicksPerPage(new Map(), { store: new MemoryCheckpointStore() });
    const cut = findRepartitionCut(job.name, graph);
    expect(cut?.operator.id).toBe("per-page");
    expect(cut?.source.id).toBe("clicks");
    expect(cut?.keyOf).toBe(byPage);
  });

  test("nowhere when every keyed operator keys by the source's partition key", () => {
    const stream = clicks();
    stream.keyBy(byIp).window(tumbling(1_000)).aggregate(count()).sink(sink);
    expect(findRepartitionCut("cut", stream.graph)).toBeUndefined();
  });

  test("a key function that computes the same key, but is another function, is cut", () => {
    const stream = clicks();
    stream
      .keyBy((c) => c.ip)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-ip" })
      .sink(sink);
    expect(findRepartitionCut("cut", stream.graph)?.operator.id).toBe("per-ip");
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
    expect(findRepartitionCut("cut", stream.graph)?.operator.id).toBe("per-page");
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
    expect(findRepartitionCut("cut", stream.graph)?.operator.id).toBe("per-page");
    const other = clicks();
    other
      .keyBy((c) => c.ip)
      .reduce((_, c) => c, { name: "latest-per-ip" })
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(sink);
    // Keyed by another function: two keyed operators need a repartition.
    expect(() => findRepartitionCut("cut", other.graph)).toThrow(/2 keyed operators/);
  });

  test("what this version cannot cut is refused in one line", () => {
    const processed = clicks();
    processed
      .process<Click>({ processElement: (c, ctx) => ctx.emit(c) }, { name: "copy" })
      .keyBy(byPage)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(sink);
    expect(() => findRepartitionCut("cut", processed.graph)).toThrow(
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
    expect(() => findRepartitionCut("cut", twice.graph)).toThrow(
      "2 keyed operators (per-page, per-count) need one: more than one repartition per job is not supported yet",
    );
  });

  test("a node that reads both sides of the cut is refused", () => {
    const stream = clicks();
    const perPage = stream.keyBy(byPage).window(tumbling(1_000)).aggregate(count(), { name: "per-page" });
    perPage
      .map((r) => r.key)
      .union(stream.map((c) => c.page))
      .sink(sink);
    const cut = findRepartitionCut("cut", stream.graph)!;
    expect(() =>
      planStages({
        job: "cut",
        graph: stream.graph,
        cut,
        channel: new MemoryRepartitionChannel(),
        serde: v8Serde,
        keyGroups: 128,
        numbering: new RecordNumbering(),
        upstreamSplits: () => [],
      }),
    ).toThrow(/reads both sides of it .* that is not supported yet/);
  });
});

describe("the stages of a cut job", () => {
  test("stage 0 ends in the repartition writer; stage 1 reads the stream and keeps the operators' ids", () => {
    const { job, graph } = clicksPerPage(new Map(), { store: new MemoryCheckpointStore() });
    const cut = findRepartitionCut(job.name, graph)!;
    const plan = planStages({
      job: job.name,
      graph,
      cut,
      channel: new MemoryRepartitionChannel(),
      serde: v8Serde,
      keyGroups: 128,
      numbering: new RecordNumbering(),
      upstreamSplits: () => [],
    });
    expect(plan.stream).toBe("clicks-per-page-per-page-repartition");
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
      cut: findRepartitionCut(job.name, graph)!,
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
    const output = { emitBatch() {}, emit() {}, emitWatermark() {} } as unknown as OperatorOutput<unknown>;
    const assigner = timestamps.spec.factory(context, output);
    numbering.reset();
    numbering.opened();
    // Split 1 reads far ahead of split 0: the run's watermark is split 0's, split 1 keeps its own
    // (boundedOutOfOrderness(10 s): a split's newest time - 10 000 - 1).
    const ahead = numbering.position("partition-1", 7);
    assigner.processBatch({
      values: [{ ...clickAt(1), at: 50_000 }],
      timestamps: [0],
      split: "clicks/partition-1",
    });
    const behind = numbering.position("partition-0", 3);
    assigner.processBatch({ values: [clickAt(2)], timestamps: [0], split: "clicks/partition-0" });
    expect(ahead).toEqual({ inner: 7, numbered: 0, watermark: 39_999 });
    expect(behind).toEqual({ inner: 3, numbered: 0, watermark: 4 - 10_001 });
    // A later position of split 1 starts from it.
    expect(numbering.position("partition-1", 8)).toEqual({ inner: 8, numbered: 0, watermark: 39_999 });
  });
});
