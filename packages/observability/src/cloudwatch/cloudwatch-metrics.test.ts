import { eventually } from "@eddy/core/testing";
import { Ajv } from "ajv";
import { afterEach, describe, expect, test, vi } from "vitest";
import { startWindowedJob, type WindowedJob } from "../test-support/windowed-job.ts";
import { cloudWatchMetrics } from "./cloudwatch-metrics.ts";
import { EMF_SCHEMA, emfTargetViolations } from "./test-support/emf-schema.ts";

let fixture: WindowedJob | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await fixture?.job.stop();
  await fixture?.running;
  fixture = undefined;
});

/** EMF documents the reporter writes to standard output (aws-embedded-metrics logs each with console.log). */
function captureStdout(): Record<string, unknown>[] {
  const documents: Record<string, unknown>[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    documents.push(JSON.parse(String(line)) as Record<string, unknown>);
  });
  return documents;
}

/**
 * CloudWatch takes metrics up to two weeks old (aws-embedded-metrics refuses older timestamps), so
 * the virtual clock starts at the current second rather than at a fixed date.
 */
const T0 = Math.floor(Date.now() / 1000) * 1000;

const validate = new Ajv({ strict: true }).compile(EMF_SCHEMA);

/** The document whose dimensions are exactly `dimensions`. */
function documentFor(documents: Record<string, unknown>[], dimensions: Record<string, string>) {
  return documents.find((d) => {
    const directive = (d._aws as { CloudWatchMetrics: { Dimensions: string[][] }[] }).CloudWatchMetrics[0]!;
    const names = directive.Dimensions[0]!;
    return (
      names.length === Object.keys(dimensions).length &&
      Object.entries(dimensions).every(([k, v]) => names.includes(k) && d[k] === v)
    );
  });
}

describe("cloudWatchMetrics", () => {
  test("reports each interval in valid EMF: per-operator counts, shard lag, checkpoints, stamped with processing time", async () => {
    const documents = captureStdout();
    const w = startWindowedJob("emf", [], T0);
    fixture = w;
    const reporter = cloudWatchMetrics(w.job, { namespace: "EddyTest", every: 10_000 });
    w.source.push([T0 + 100, T0 + 900, T0 + 1_500]);
    await eventually(() => w.out.values().length === 1, { what: "the first window" });
    w.source.lag.set("0", 2_500);
    await w.job.savepoint("one");
    w.clock.advanceTo(T0 + 10_000);
    await reporter.flush();

    expect(documents.length).toBeGreaterThan(0);
    for (const document of documents) {
      expect(validate(document), JSON.stringify(validate.errors)).toBe(true);
      expect(emfTargetViolations(document)).toEqual([]);
      const aws = document._aws as { Timestamp: number; CloudWatchMetrics: { Namespace: string }[] };
      expect(aws.CloudWatchMetrics[0]!.Namespace).toBe("EddyTest");
      expect(aws.Timestamp).toBe(T0 + 10_000);
    }
    const counts = documentFor(documents, { Job: "emf", Operator: "counts" });
    expect(counts).toMatchObject({ RecordsIn: 3, RecordsOut: 1, LateRecordsDropped: 0, DeadLetters: 0 });
    expect(documentFor(documents, { Job: "emf", Operator: "ticks", Shard: "0" })).toMatchObject({
      MillisBehindLatest: 2_500,
    });
    const job = documentFor(documents, { Job: "emf" });
    expect(job).toMatchObject({
      CheckpointFailures: 0,
      CheckpointSize: w.job.metrics.checkpoints.lastBytesWritten,
    });

    // The next report carries what changed since: one more record, whose watermark fires the
    // window [1 s, 2 s); no new checkpoint.
    documents.length = 0;
    w.source.push([T0 + 2_600]);
    await eventually(() => w.job.metrics.forOperator("counts").recordsIn === 4, {
      what: "the fourth record",
    });
    w.clock.advanceTo(T0 + 20_000);
    await reporter.stop();
    expect(documentFor(documents, { Job: "emf", Operator: "counts" })).toMatchObject({
      RecordsIn: 1,
      RecordsOut: 1,
    });
    expect(documentFor(documents, { Job: "emf" })).not.toHaveProperty("CheckpointSize");
  });

  test("refuses an interval or a namespace CloudWatch would not take", () => {
    const w = startWindowedJob("emf-refused");
    fixture = w;
    expect(() => cloudWatchMetrics(w.job, { every: 0 })).toThrow(/every must be > 0 ms, got 0/);
    expect(() => cloudWatchMetrics(w.job, { namespace: "" })).toThrow(
      /namespace must have 1 to 255 characters/,
    );
  });
});
