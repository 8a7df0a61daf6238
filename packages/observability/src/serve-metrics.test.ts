import { eventually } from "@eddy/core/testing";
import { afterEach, describe, expect, test } from "vitest";
import type { JobSampleJson } from "./sample-json.ts";
import { type MetricsServer, serveMetrics } from "./serve-metrics.ts";
import { startWindowedJob, T0, type WindowedJob } from "./test-support/windowed-job.ts";

let fixture: WindowedJob | undefined;
let server: MetricsServer | undefined;
afterEach(async () => {
  await server?.close();
  await fixture?.job.stop();
  await fixture?.running;
  server = undefined;
  fixture = undefined;
});

describe("serveMetrics", () => {
  test("serves Prometheus text at /metrics and the latest sample as JSON at /metrics.json", async () => {
    const w = startWindowedJob("served");
    fixture = w;
    server = await serveMetrics(w.job, { port: 0, processMetrics: false, sample: { every: 1_000 } });
    w.source.push([T0 + 100, T0 + 900, T0 + 1_500]);
    await eventually(() => w.out.values().length === 1, { what: "the first window" });
    w.source.lag.set("0", 750);
    w.clock.advanceTo(T0 + 1_000);

    const text = await fetch(`${server.url}/metrics`);
    expect(text.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    expect(await text.text()).toContain(
      'eddy_operator_records_out_total{job_name="served",operator_name="ticks"} 3',
    );

    const response = await fetch(`${server.url}/metrics.json`);
    expect(response.headers.get("content-type")).toBe("application/json");
    const json = (await response.json()) as JobSampleJson;
    expect(json).toMatchObject({ job: "served", status: "running", time: T0 + 1_000, startedAt: T0 });
    expect(json.totals).toMatchObject({ recordsIn: 3, recordsInPerSecond: 3, watermark: T0 + 1_399 });
    const ticks = json.nodes.find((n) => n.id === "ticks")!;
    expect(ticks).toMatchObject({
      kind: "source",
      recordsOut: 3,
      rates: { out: 3 },
      splits: [{ split: "0", position: 3, status: "active", millisBehindLatest: 750 }],
    });
    // A watermark before the first one is absent, not -Infinity.
    expect(ticks.watermark).toBeUndefined();
    expect(json.edges.find((e) => e.from === "ticks")).toMatchObject({ to: "wm", records: 3, rate: 3 });
  });

  test("before the first sample /metrics.json counts rates from the start; unknown paths are 404", async () => {
    const w = startWindowedJob("early");
    fixture = w;
    server = await serveMetrics(w.job, { port: 0, processMetrics: false });
    w.source.push([T0 + 100]);
    await eventually(() => w.job.metrics.forOperator("wm").recordsIn === 1, { what: "one record" });
    w.clock.advanceTo(T0 + 500);
    const json = (await (await fetch(`${server.url}/metrics.json`)).json()) as JobSampleJson;
    expect(json.totals).toMatchObject({ recordsIn: 1, recordsInPerSecond: 2 });
    const missing = await fetch(`${server.url}/nothing`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toBe("not found: /nothing\n");
  });

  test("a port in use is refused with a message saying what to do", async () => {
    const w = startWindowedJob("busy-port");
    fixture = w;
    server = await serveMetrics(w.job, { port: 0, processMetrics: false });
    await expect(serveMetrics(w.job, { port: server.port, processMetrics: false })).rejects.toThrow(
      `serveMetrics(busy-port): cannot listen on 127.0.0.1:${server.port} (EADDRINUSE); pass another port, or 0 for a free one`,
    );
  });
});
