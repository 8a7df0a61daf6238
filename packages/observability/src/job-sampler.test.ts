import { eventually } from "@eddy/core/testing";
import { afterEach, describe, expect, test } from "vitest";
import type { JobReading, NodeReading } from "./job-reading.ts";
import { JobSampler, sampleFrom } from "./job-sampler.ts";
import { startWindowedJob, T0, type WindowedJob } from "./test-support/windowed-job.ts";

let fixture: WindowedJob | undefined;
afterEach(async () => {
  await fixture?.job.stop();
  await fixture?.running;
  fixture = undefined;
});

describe("JobSampler", () => {
  test("samples on the job's clock and turns counters into rates per node, per edge and for the job", async () => {
    const w = startWindowedJob("sampled");
    fixture = w;
    const sampler = new JobSampler(w.job, { every: 1_000, keep: 2 }).start();
    const seen: number[] = [];
    sampler.subscribe((s) => seen.push(s.reading.time));

    w.source.push([T0 + 100, T0 + 900, T0 + 1_500]);
    await eventually(() => w.out.values().length === 1, { what: "the first window" });
    w.clock.advanceTo(T0 + 1_000);
    const first = sampler.latest!;
    // The first sample counts from the start of the run.
    expect(first.rates.ticks).toEqual({ in: 0, out: 3, backPressure: 0, busy: 0 });
    expect(first.edgeRates[first.reading.edges.findIndex((e) => e.from === "ticks")]).toBe(3);
    expect(first.totals).toMatchObject({ recordsIn: 3, recordsOut: 1, recordsInPerSecond: 3 });

    w.source.push([T0 + 200]);
    await eventually(() => w.late.values().length === 1, { what: "the late record" });
    w.clock.advanceTo(T0 + 2_500);
    const second = sampler.latest!;
    expect(second.reading.time).toBe(T0 + 2_000);
    expect(second.rates.ticks!.out).toBe(1);
    expect(second.rates.counts).toMatchObject({ in: 1, out: 0 });
    const toLate = second.reading.edges.findIndex((e) => e.from === "counts" && e.tag === "late");
    expect(second.edgeRates[toLate]).toBe(1);
    expect(second.totals).toMatchObject({
      recordsIn: 4,
      recordsOut: 2,
      recordsInPerSecond: 1,
      recordsOutPerSecond: 1,
      watermark: T0 + 1_399,
      watermarkLagMs: 601,
      lateRecords: 1,
      lateRecordsDropped: 0,
    });
    expect(seen).toEqual([T0 + 1_000, T0 + 2_000]);

    w.clock.advanceTo(T0 + 3_000);
    expect(sampler.samples.map((s) => s.reading.time)).toEqual([T0 + 2_000, T0 + 3_000]);
    sampler.stop();
    w.clock.advanceTo(T0 + 10_000);
    expect(sampler.latest!.reading.time).toBe(T0 + 3_000);
  });

  test("refuses an interval or a history that makes no sense", async () => {
    const w = startWindowedJob("refused");
    fixture = w;
    expect(() => new JobSampler(w.job, { every: 0 })).toThrow(/every must be > 0 ms, got 0/);
    expect(() => new JobSampler(w.job, { keep: 1.5 })).toThrow(/keep must be a positive integer, got 1.5/);
  });
});

describe("sampleFrom", () => {
  const node = (id: string, kind: NodeReading["kind"], figures: Partial<NodeReading>): NodeReading => ({
    id,
    kind,
    label: id,
    recordsIn: 0,
    recordsOut: 0,
    lateRecordsSideOutput: 0,
    lateRecordsDropped: 0,
    failedRecords: 0,
    deadLetters: 0,
    sideOutputRecords: {},
    watermark: undefined,
    watermarkLagMs: undefined,
    backPressuredTimeMs: 0,
    busyTimeMs: 0,
    ...figures,
  });
  const reading = (time: number, nodes: NodeReading[]): JobReading => ({
    job: "j",
    status: "running",
    time,
    startedAt: 0,
    endedAt: undefined,
    nodes,
    edges: [],
    checkpoints: {
      completed: 0,
      failed: 0,
      failedAttempts: 0,
      lastDurationMs: undefined,
      lastBytesWritten: 0,
      lastKeyGroupsWritten: 0,
      lastCompletedAt: undefined,
      lastAgeMs: undefined,
      history: [],
    },
  });

  test("backpressure and busy time are shares of the interval; the output watermark is the lowest sink's", () => {
    const before = reading(10_000, [
      node("src", "source", { recordsOut: 100, backPressuredTimeMs: 1_000 }),
      node("a", "sink", { recordsIn: 50, busyTimeMs: 0, watermark: 5_000 }),
      node("b", "sink", { recordsIn: 0, watermark: undefined }),
    ]);
    const after = reading(12_000, [
      node("src", "source", { recordsOut: 300, backPressuredTimeMs: 1_500 }),
      node("a", "sink", { recordsIn: 250, busyTimeMs: 3_000, watermark: 9_000 }),
      node("b", "sink", { recordsIn: 0, watermark: 8_000 }),
    ]);
    const sample = sampleFrom(after, before);
    expect(sample.rates.src).toEqual({ in: 0, out: 100, backPressure: 0.25, busy: 0 });
    // Busy longer than the interval (a write that started before it) is capped at all of it.
    expect(sample.rates.a).toEqual({ in: 100, out: 0, backPressure: 0, busy: 1 });
    expect(sample.totals).toMatchObject({ watermark: 8_000, watermarkLagMs: 4_000, backPressure: 0.25 });
  });

  test("a watermark at the end of input does not hold the output watermark; without a time, no rate", () => {
    const now = reading(0, [
      node("a", "sink", { recordsIn: 5, watermark: "end" }),
      node("b", "sink", { recordsIn: 5, watermark: 700 }),
    ]);
    const sample = sampleFrom(now, undefined);
    expect(sample.totals).toMatchObject({ watermark: 700, recordsOut: 10, recordsOutPerSecond: 0 });
  });
});
