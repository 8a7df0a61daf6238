import { eventually } from "@eddy/core/testing";
import { afterEach, describe, expect, test } from "vitest";
import { prometheusRegistry } from "./prometheus.ts";
import { startWindowedJob, T0, type WindowedJob } from "./test-support/windowed-job.ts";

let fixture: WindowedJob | undefined;
afterEach(async () => {
  await fixture?.job.stop();
  await fixture?.running;
  fixture = undefined;
});

/** Runs the fixture to a known state: one window fired, one late record, one savepoint, at T0 + 5 s. */
async function knownState(name: string): Promise<WindowedJob> {
  const w = startWindowedJob(name);
  fixture = w;
  w.source.push([T0 + 100, T0 + 900, T0 + 1_500]);
  await eventually(() => w.out.values().length === 1, { what: "the first window" });
  // The watermark is at T0 + 1399: the window [T0, T0 + 1000) is closed, so this one is late.
  w.source.push([T0 + 200]);
  await eventually(() => w.late.values().length === 1, { what: "the late record" });
  w.source.lag.set("0", 2_500);
  w.clock.advanceTo(T0 + 2_000);
  await w.job.savepoint("known");
  w.clock.advanceTo(T0 + 5_000);
  return w;
}

/** `name{labels}` → value, from Prometheus' text format. */
function parse(text: string): Map<string, number> {
  const series = new Map<string, number>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    const value = line.slice(at + 1);
    series.set(line.slice(0, at), value === "+Inf" ? Number.POSITIVE_INFINITY : Number(value));
  }
  return series;
}

describe("prometheusRegistry", () => {
  test("exports every figure under Prometheus' names and labels, read at scrape time", async () => {
    const w = await knownState("prom");
    const text = await prometheusRegistry(w.job, { processMetrics: false }).metrics();
    const series = parse(text);
    const job = 'job_name="prom"';
    const op = (id: string) => `${job},operator_name="${id}"`;
    const expected: Record<string, number> = {
      [`eddy_job_status{${job},status="running"}`]: 1,
      [`eddy_job_status{${job},status="finished"}`]: 0,
      [`eddy_job_start_time_seconds{${job}}`]: T0 / 1000,
      [`eddy_operator_info{${op("counts")},kind="operator",label="window(tumbling(1000)).aggregate"}`]: 1,
      [`eddy_operator_info{${op("late-out")},kind="sink",label="sink(collect)"}`]: 1,
      [`eddy_operator_records_out_total{${op("ticks")}}`]: 4,
      [`eddy_operator_records_in_total{${op("wm")}}`]: 4,
      [`eddy_operator_records_out_total{${op("wm")}}`]: 4,
      [`eddy_operator_records_in_total{${op("counts")}}`]: 4,
      [`eddy_operator_records_out_total{${op("counts")}}`]: 1,
      [`eddy_operator_side_output_records_total{${op("counts")},tag="late"}`]: 1,
      [`eddy_operator_late_records_side_output_total{${op("counts")}}`]: 1,
      [`eddy_operator_late_records_dropped_total{${op("counts")}}`]: 0,
      [`eddy_operator_failed_records_total{${op("counts")}}`]: 0,
      [`eddy_operator_dead_letters_total{${op("ticks")}}`]: 0,
      [`eddy_operator_dead_letters_total{${op("out")}}`]: 0,
      [`eddy_operator_records_in_total{${op("out")}}`]: 1,
      [`eddy_operator_records_in_total{${op("late-out")}}`]: 1,
      [`eddy_operator_watermark_seconds{${op("wm")}}`]: (T0 + 1_399) / 1000,
      [`eddy_operator_watermark_lag_seconds{${op("wm")}}`]: 3.601,
      [`eddy_operator_watermark_lag_seconds{${op("out")}}`]: 3.601,
      [`eddy_operator_backpressured_seconds_total{${op("ticks")}}`]: 0,
      [`eddy_operator_busy_seconds_total{${op("out")}}`]: 0,
      [`eddy_edge_records_total{${job},from="ticks",to="wm"}`]: 4,
      [`eddy_edge_records_total{${job},from="counts",to="out"}`]: 1,
      [`eddy_edge_records_total{${job},from="counts",to="side(late)#5"}`]: 1,
      [`eddy_source_split_behind_latest_seconds{${op("ticks")},split="0"}`]: 2.5,
      [`eddy_source_split_position{${op("ticks")},split="0"}`]: 4,
      [`eddy_source_split_status{${op("ticks")},split="0",status="active"}`]: 1,
      [`eddy_source_split_status{${op("ticks")},split="0",status="idle"}`]: 0,
      [`eddy_checkpoints_completed_total{${job}}`]: 1,
      [`eddy_checkpoints_failed_total{${job}}`]: 0,
      [`eddy_checkpoint_failed_attempts_total{${job}}`]: 0,
      [`eddy_checkpoint_last_duration_seconds{${job}}`]: 0,
      [`eddy_checkpoint_last_size_bytes{${job}}`]: w.job.metrics.checkpoints.lastBytesWritten,
      [`eddy_checkpoint_last_key_groups_written{${job}}`]: 128,
      [`eddy_checkpoint_last_completed_timestamp_seconds{${job}}`]: (T0 + 2_000) / 1000,
      [`eddy_checkpoint_last_age_seconds{${job}}`]: 3,
    };
    for (const [name, value] of Object.entries(expected)) {
      expect.soft(series.get(name), name).toBe(value);
    }
    expect(w.job.metrics.checkpoints.lastBytesWritten).toBeGreaterThan(0);
    // Sources receive nothing and sinks send nothing: no series claims they do.
    expect(series.has(`eddy_operator_records_in_total{${op("ticks")}}`)).toBe(false);
    expect(series.has(`eddy_operator_records_out_total{${op("out")}}`)).toBe(false);
    expect(text).toContain("# TYPE eddy_operator_records_in_total counter");
    expect(text).toContain("# TYPE eddy_operator_watermark_lag_seconds gauge");
  });

  test("a later scrape sees later counters; the end of input is an infinite watermark", async () => {
    const w = await knownState("prom-later");
    const registry = prometheusRegistry(w.job, { processMetrics: false });
    const before = parse(await registry.metrics());
    w.source.push([T0 + 2_100, T0 + 2_200]);
    w.source.end();
    await w.running;
    // One reading serves a whole scrape and is dropped at the next turn of the event loop; a run
    // that ends within the first scrape's turn is seen by the next turn's scrape.
    await new Promise((resolve) => setImmediate(resolve));
    const after = parse(await registry.metrics());
    const records = 'eddy_operator_records_out_total{job_name="prom-later",operator_name="ticks"}';
    expect([before.get(records), after.get(records)]).toEqual([4, 6]);
    expect(after.get('eddy_operator_watermark_seconds{job_name="prom-later",operator_name="out"}')).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(after.get('eddy_job_status{job_name="prom-later",status="finished"}')).toBe(1);
    // A watermark at the end of input has no lag.
    expect(after.has('eddy_operator_watermark_lag_seconds{job_name="prom-later",operator_name="out"}')).toBe(
      false,
    );
  });

  test("adds Node's process metrics unless asked not to, under their usual names", async () => {
    const w = await knownState("prom-process");
    const text = await prometheusRegistry(w.job).metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toContain('eddy_checkpoints_completed_total{job_name="prom-process"} 1');
  });
});
