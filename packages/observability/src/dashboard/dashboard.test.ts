import {
  boundedOutOfOrderness,
  collectSink,
  count,
  generatorSource,
  MemoryCheckpointStore,
  MemoryLeaseStore,
  pipeline,
  type RepartitionChannel,
  silentLogger,
  tumbling,
} from "@eddy/core";
import { eventually } from "@eddy/core/testing";
import { afterEach, describe, expect, test } from "vitest";
import { openEvents, type ServerEvent } from "../test-support/event-reader.ts";
import { startWindowedJob, T0, type WindowedJob } from "../test-support/windowed-job.ts";
import { lineChart } from "../views/line-chart.ts";
import { table } from "../views/table.ts";
import { type Dashboard, type DashboardInit, type DashboardUpdate, dashboard } from "./dashboard.ts";

let fixture: WindowedJob | undefined;
let ui: Dashboard | undefined;
afterEach(async () => {
  await ui?.close();
  await fixture?.job.stop();
  await fixture?.running;
  ui = undefined;
  fixture = undefined;
});

function views() {
  const counts = lineChart({ title: "Counts", value: (r: { value: number }) => r.value });
  const leaderboard = table({
    title: "Windows",
    rows: (r: { key: string; value: number }) => ({ key: r.key, count: r.value }),
    key: (row) => row.key,
    sortBy: "count",
  });
  return { counts, leaderboard };
}

describe("dashboard", () => {
  test("serves the page, its scripts and uPlot from the installed package", async () => {
    fixture = startWindowedJob("pages");
    ui = await dashboard(fixture.job, { port: 0 });
    const page = await fetch(`${ui.url}/`);
    expect(page.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const html = await page.text();
    expect(html).toContain('<script src="/assets/uplot.js"></script>');
    expect(html).toContain('<script type="module" src="/assets/app.js"></script>');
    const uplot = await fetch(`${ui.url}/assets/uplot.js`);
    expect(uplot.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(await uplot.text()).toContain("var uPlot=function()");
    for (const asset of ["app.js", "graph.js", "charts.js", "views.js", "checkpoints.js", "style.css"]) {
      expect((await fetch(`${ui.url}/assets/${asset}`)).status, asset).toBe(200);
    }
    // The formatting module the progress line uses too.
    expect(await (await fetch(`${ui.url}/assets/format.js`)).text()).toContain("export function rate(");
    expect((await fetch(`${ui.url}/assets/../dashboard.ts`)).status).toBe(404);
    // The metrics endpoints are on the same port unless switched off.
    expect(await (await fetch(`${ui.url}/metrics`)).text()).toContain(
      'eddy_job_status{job_name="pages",status="running"} 1',
    );
  });

  test("a page gets the graph, views and history at once, then an update per interval with what changed", async () => {
    const { counts, leaderboard } = views();
    // The views are fed by the job's output: they are sinks like any other.
    const w = startWindowedJob("live", [counts, leaderboard]);
    fixture = w;
    ui = await dashboard(w.job, {
      port: 0,
      views: [counts, leaderboard],
      refreshEvery: 1_000,
      metrics: false,
    });

    w.source.push([T0 + 100, T0 + 900, T0 + 1_500]);
    await eventually(() => w.out.values().length === 1, { what: "the first window" });
    const events = await openEvents(`${ui.url}/events`);
    try {
      const init = (await events.next()) as ServerEvent & { data: DashboardInit };
      expect(init.event).toBe("init");
      expect(init.data.graph).toEqual(w.job.describe());
      expect(init.data.refreshEvery).toBe(1_000);
      expect(init.data.views.map((v) => [v.kind, v.id])).toEqual([
        ["line-chart", "counts"],
        ["table", "windows"],
      ]);
      expect(init.data.viewStates.counts).toMatchObject({ series: { Counts: { t: [T0], v: [2] } } });
      expect(init.data.viewStates.windows).toEqual({ kind: "table", rows: [{ key: "k", count: 2 }] });
      // One window result, written by three sinks: `out` and the two views.
      expect(init.data.sample.totals).toMatchObject({ recordsIn: 3, recordsOut: 3 });

      w.source.push([T0 + 2_500]);
      await eventually(() => w.out.values().length === 2, { what: "the second window" });
      w.clock.advanceTo(T0 + 1_000);
      const update = (await events.next()) as ServerEvent & { data: DashboardUpdate };
      expect(update.event).toBe("sample");
      expect(update.data.sample.time).toBe(T0 + 1_000);
      // Rates count from the sample the connecting page got, taken at T0 with 3 records read.
      expect(update.data.history).toMatchObject({ time: T0 + 1_000, recordsInPerSecond: 1 });
      expect(update.data.views.counts).toMatchObject({ series: { Counts: { t: [T0 + 1_000], v: [1] } } });
      expect(update.data.views.windows).toMatchObject({ rows: [{ key: "k", count: 1 }] });
      const graphNode = update.data.sample.nodes.find((n) => n.id === "counts")!;
      expect(graphNode).toMatchObject({ recordsIn: 4, recordsOut: 2, watermark: T0 + 2_399 });

      // Nothing new in the views: the next update leaves them out.
      w.clock.advanceTo(T0 + 2_000);
      const quiet = (await events.next()) as ServerEvent & { data: DashboardUpdate };
      expect(quiet.data.views).toEqual({});
      expect(quiet.data.sample.edges.find((e) => e.from === "ticks")).toMatchObject({ records: 4, rate: 0 });
    } finally {
      events.close();
    }
  });

  test("/api/state has what a connecting page gets; two views with one id are refused", async () => {
    fixture = startWindowedJob("state");
    const { counts } = views();
    ui = await dashboard(fixture.job, { port: 0, views: [counts], metrics: false });
    const state = (await (await fetch(`${ui.url}/api/state`)).json()) as DashboardInit;
    expect(state.graph.job).toBe("state");
    expect(state.views).toEqual([counts.definition()]);
    expect((await fetch(`${ui.url}/metrics`)).status).toBe(404);
    await expect(dashboard(fixture.job, { port: 0, views: [counts, views().counts] })).rejects.toThrow(
      'dashboard(state): two views have the id "counts"; give one of them an id',
    );
  });

  test("/api/state and the page list the stages of a job with repartitions, one per branch", async () => {
    // Described, never run: the channel is asked only for the reader it would read stage 1 from.
    const channel: RepartitionChannel = {
      description: "test",
      prepare: async () => {},
      writer: () => {
        throw new Error("not run");
      },
      reader: (stream) => ({
        name: `test(${stream})`,
        bounded: false,
        listSplits: async () => [],
        open: () => {
          throw new Error("not run");
        },
      }),
    };
    const job = pipeline("clicks", {
      logger: silentLogger,
      stopOnSignals: false,
      checkpoints: { store: new MemoryCheckpointStore() },
      cluster: {
        leases: new MemoryLeaseStore(),
        workerId: "w0",
        repartition: { channel, stageLeases: () => new MemoryLeaseStore() },
      },
    });
    const times = job
      .source(
        generatorSource({
          name: "clicks",
          generate: (i) => ({ ip: `ip${i % 5}`, page: `/p${i % 3}`, at: i }),
          count: 10,
          partitions: 2,
          partitionKey: (c) => c.ip,
        }),
        { name: "clicks" },
      )
      .withWatermarks(boundedOutOfOrderness(100), (c) => c.at, { name: "times" });
    times
      .keyBy((c) => c.ip.slice(0, 2))
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-ip-prefix" })
      .sink(collectSink<unknown>().sink, { name: "out-per-ip-prefix" });
    times
      .keyBy((c) => c.page)
      .window(tumbling(1_000))
      .aggregate(count(), { name: "per-page" })
      .sink(collectSink<unknown>().sink, { name: "out" });
    ui = await dashboard(job, { port: 0, metrics: false });
    const state = (await (await fetch(`${ui.url}/api/state`)).json()) as DashboardInit;
    const stages = state.graph.stages ?? [];
    expect(stages.map(({ stage, name, streams }) => ({ stage, name, streams }))).toEqual([
      {
        stage: 0,
        name: "clicks",
        streams: ["clicks-per-ip-prefix-repartition", "clicks-per-page-repartition"],
      },
      { stage: 1, name: "clicks/stage-1", streams: ["clicks-per-ip-prefix-repartition"] },
      { stage: 2, name: "clicks/stage-2", streams: ["clicks-per-page-repartition"] },
    ]);
    expect(stages[0]!.nodes.map((n) => n.id)).toEqual([
      "clicks",
      "times",
      "repartition-writer(per-ip-prefix)",
      "repartition-out(per-ip-prefix)",
      "repartition-writer(per-page)",
      "repartition-out(per-page)",
    ]);
    expect(stages[2]!.nodes.map((n) => n.id)).toEqual([
      "repartition-in(per-page)",
      "repartition-reader(per-page)",
      "per-page",
      "out",
    ]);
    // The page has the place app.js shows them in.
    expect(await (await fetch(`${ui.url}/`)).text()).toContain(
      '<div id="stages" class="stages" hidden></div>',
    );
  });
});
