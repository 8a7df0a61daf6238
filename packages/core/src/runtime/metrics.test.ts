import { describe, expect, test } from "vitest";
import { count } from "../aggregates/count.ts";
import { type Logger, silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import { eventually } from "../testing/eventually.ts";
import { VirtualClock } from "../time/clock.ts";
import { boundedOutOfOrderness } from "../watermarks/watermark-strategy.ts";
import { tumbling } from "../windows/assigners.ts";
import { OutputTag } from "./output-tag.ts";
import type { Source, SourceEvent } from "./source.ts";
import { countingSource, latch, recordingSink } from "./test-support/test-sources.ts";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;

describe("graph introspection", () => {
  test("describes nodes with kinds and labels, and edges with the side output they carry", () => {
    const late = new OutputTag<number>("late");
    const job = pipeline("shape", quiet);
    const a = job.source(countingSource([1]), { name: "a" });
    const b = job.source(countingSource([2]));
    const counts = a
      .union(b)
      .withWatermarks(boundedOutOfOrderness(0), (n) => n)
      .keyBy((n) => n % 2)
      .window(tumbling(10))
      .sideOutputLateData(late)
      .aggregate(count(), { name: "counts" });
    counts.sink(recordingSink(), { name: "out" });
    counts.getSideOutput(late).sink(recordingSink());

    expect(job.describe()).toEqual({
      job: "shape",
      nodes: [
        { id: "a", kind: "source", label: "source(counting)", bounded: true },
        { id: "source(counting)#2", kind: "source", label: "source(counting)", bounded: true },
        { id: "union#3", kind: "union", label: "union" },
        { id: "withWatermarks#4", kind: "operator", label: "withWatermarks" },
        { id: "counts", kind: "operator", label: "window(tumbling(10)).aggregate" },
        { id: "out", kind: "sink", label: "sink(recording)" },
        { id: "side(late)#7", kind: "side-output", label: "side(late)", tag: "late" },
        { id: "sink(recording)#8", kind: "sink", label: "sink(recording)" },
      ],
      edges: [
        { from: "a", to: "union#3" },
        { from: "source(counting)#2", to: "union#3" },
        { from: "union#3", to: "withWatermarks#4" },
        { from: "withWatermarks#4", to: "counts" },
        { from: "counts", to: "out" },
        { from: "counts", to: "side(late)#7", tag: "late" },
        { from: "side(late)#7", to: "sink(recording)#8" },
      ],
    });
  });
});

describe("counters of a run", () => {
  test("sources count records out, sinks records in, side outputs by tag, and the status follows the run", async () => {
    const late = new OutputTag<number>("late");
    const dead = new OutputTag<string>("dead");
    const source: Source<number> = {
      name: "scripted",
      bounded: true,
      open() {
        const events: SourceEvent<number>[] = [
          { kind: "data", split: "0", values: [5, 15, 25], position: 3 },
          { kind: "data", split: "0", tag: dead as OutputTag<unknown>, values: [], position: 3 },
          { kind: "data", split: "0", tag: dead as OutputTag<unknown>, values: [0, 0], position: 4 },
          // 1 is late: the watermark is at 24 and its window [0, 10) has closed.
          { kind: "data", split: "0", values: [1, 30], position: 6 },
        ];
        return { next: async () => events.shift() };
      },
    };
    const job = pipeline("counts", quiet);
    expect(job.metrics.status).toBe("created");
    const numbers = job.source(source, { name: "src" });
    const counts = numbers
      .withWatermarks(boundedOutOfOrderness(0), (n) => n, { name: "wm" })
      .keyBy(() => "all")
      .window(tumbling(10))
      .sideOutputLateData(late)
      .aggregate(count(), { name: "win" });
    counts.sink(recordingSink(), { name: "out" });
    counts.getSideOutput(late).sink(recordingSink(), { name: "late-out" });
    numbers.getSideOutput(dead).sink(recordingSink(), { name: "dead-out" });
    await job.run();

    const m = job.metrics.snapshot();
    expect(job.metrics.status).toBe("finished");
    expect(m.src).toMatchObject({ recordsOut: 5, sideOutputRecords: { dead: 2 } });
    expect(m.wm).toMatchObject({ recordsIn: 5, recordsOut: 5, watermark: Number.POSITIVE_INFINITY });
    expect(m.win).toMatchObject({ recordsIn: 5, recordsOut: 4, lateRecordsSideOutput: 1 });
    expect(m.win!.sideOutputRecords).toEqual({ late: 1 });
    expect(m.out).toMatchObject({ recordsIn: 4, watermark: Number.POSITIVE_INFINITY });
    expect(m["late-out"]!.recordsIn).toBe(1);
    expect(m["dead-out"]!.recordsIn).toBe(2);
  });

  test("the watermark assigner reports the watermark it emits, while the job runs", async () => {
    const hold = latch();
    const job = pipeline("wm", quiet);
    job
      .source(countingSource([100, 250, 180, 900], { gate: (b) => (b === 1 ? hold.promise : undefined) }))
      .withWatermarks(boundedOutOfOrderness(50), (n) => n, { name: "wm" })
      .sink(recordingSink(), { name: "out" });
    const running = job.run();
    await eventually(() => job.metrics.forOperator("out").recordsIn === 2, {
      what: "two records in the sink",
    });
    // Bounded out-of-orderness: the highest timestamp minus the bound minus 1.
    expect(job.metrics.forOperator("wm").watermark).toBe(199);
    expect(job.metrics.forOperator("out").watermark).toBe(199);
    expect(job.metrics.status).toBe("running");
    hold.open();
    await running;
  });

  test("time spent waiting on a busy sink is the source's backpressure and the sink's busy time", async () => {
    const clock = new VirtualClock(1_000);
    const write = latch();
    let writes = 0;
    const job = pipeline("pressure", { ...quiet, clock, maxInFlightWrites: 1 });
    job.source(countingSource([1, 2, 3, 4]), { name: "src" }).sink(
      {
        name: "slow",
        // Only the first write is asynchronous: a synchronous write is never in flight.
        write: () => (writes++ === 0 ? write.promise : undefined),
      },
      { name: "out" },
    );
    const running = job.run();
    await eventually(() => writes === 1, { what: "the first write" });
    // The source read its next batch and waits for room: let 750 ms of processing time pass.
    await new Promise((r) => setTimeout(r, 5));
    clock.advanceTo(1_750);
    write.open();
    await running;
    expect(job.metrics.forOperator("src").backPressuredTimeMs).toBe(750);
    expect(job.metrics.forOperator("out").busyTimeMs).toBe(750);
    expect(job.metrics.forOperator("out").recordsIn).toBe(4);
  });
});

describe("splits", () => {
  test("report their position, status and the lag the reader knows", async () => {
    const hold = latch();
    const source: Source<number> = {
      name: "lagging",
      bounded: true,
      open() {
        const events: SourceEvent<number>[] = [
          { kind: "split-status", split: "a", status: "active" },
          { kind: "data", split: "a", values: [1, 2], position: { offset: 2 } },
          { kind: "split-status", split: "b", status: "idle" },
        ];
        let reads = 0;
        return {
          next: async () => {
            if (events.length === 0) {
              if (reads++ === 0) await hold.promise;
              return undefined;
            }
            return events.shift();
          },
          millisBehindLatest: () =>
            new Map<string, number | undefined>([
              ["a", 1_500],
              ["c", undefined],
            ]),
        };
      },
    };
    const job = pipeline("splits", quiet);
    job.source(source, { name: "src" }).sink(recordingSink());
    expect(job.metrics.splits("src")).toEqual([]);
    const running = job.run();
    await eventually(() => job.metrics.splits("src").length === 3, { what: "three splits" });
    expect(job.metrics.splits("src")).toEqual([
      { split: "a", position: { offset: 2 }, status: "active", millisBehindLatest: 1_500 },
      { split: "b", position: undefined, status: "idle", millisBehindLatest: undefined },
      { split: "c", position: undefined, status: "active", millisBehindLatest: undefined },
    ]);
    hold.open();
    await running;
  });
});

describe("logging", () => {
  test("a logger with child() gets the job bound, and a failing operator is logged with its name", async () => {
    const lines: { bindings: Record<string, unknown>; message: string; fields?: Record<string, unknown> }[] =
      [];
    const logger = (bindings: Record<string, unknown>): Logger => ({
      ...silentLogger,
      error: (message, fields) => lines.push({ bindings, message, ...(fields ? { fields } : {}) }),
      child: (more) => logger({ ...bindings, ...more }),
    });
    const job = pipeline("failing", { logger: logger({}), stopOnSignals: false });
    job
      .source(countingSource([1, 2]))
      .map(
        (n) => {
          if (n === 2) throw new Error("two");
          return n;
        },
        { name: "picky" },
      )
      .sink(recordingSink());
    await expect(job.run()).rejects.toThrow(/picky/);
    expect(lines).toEqual([
      {
        bindings: { job: "failing" },
        message: expect.stringMatching(/^job "failing" failed: picky: .*two/),
        fields: { operator: "picky" },
      },
    ]);
    expect(job.metrics.status).toBe("failed");
  });
});
