import { collectSink, monotonous, pipeline, silentLogger, VirtualClock } from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { readJob } from "./job-reading.ts";
import { scriptedSource } from "./test-support/scripted-source.ts";

describe("readJob", () => {
  test("derives what routing nodes carry: a union sums its inputs and holds the lowest watermark", async () => {
    const clock = new VirtualClock(10_000);
    const left = scriptedSource<number>("left");
    const right = scriptedSource<number>("right");
    const out = collectSink<number>();
    const job = pipeline("routing", { clock, logger: silentLogger, stopOnSignals: false });
    const l = job.source(left, { name: "l" }).withWatermarks(monotonous(), (n) => n, { name: "lw" });
    const r = job.source(right, { name: "r" }).withWatermarks(monotonous(), (n) => n, { name: "rw" });
    l.union(r).sink(out.sink, { name: "out" });
    expect(readJob(job).nodes.find((n) => n.id === "out")).toMatchObject({
      recordsIn: 0,
      watermark: undefined,
    });

    const running = job.run();
    left.push([1_000, 2_000, 3_000]);
    right.push([500, 1_500], "r0");
    await eventually(() => out.values().length === 5, { what: "five records" });
    const reading = readJob(job);
    const union = reading.nodes.find((n) => n.kind === "union")!;
    expect(union).toMatchObject({ recordsIn: 5, recordsOut: 5, watermark: 1_499, watermarkLagMs: 8_501 });
    expect(reading.edges.filter((e) => e.to === union.id).map((e) => e.records)).toEqual([3, 2]);
    expect(reading.nodes.find((n) => n.id === "r")!.splits).toEqual([
      { split: "r0", position: 2, status: "active", millisBehindLatest: undefined },
    ]);
    expect(reading.nodes.find((n) => n.id === "l")).toMatchObject({
      recordsIn: 0,
      recordsOut: 3,
      watermark: undefined,
    });
    expect(reading).toMatchObject({ job: "routing", status: "running", time: 10_000, startedAt: 10_000 });

    left.end();
    right.end();
    await running;
    expect(readJob(job).nodes.find((n) => n.id === "out")).toMatchObject({
      watermark: "end",
      watermarkLagMs: undefined,
    });
  });
});
