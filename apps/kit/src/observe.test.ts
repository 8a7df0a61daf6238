import { fromIterable, monotonous, pipeline, silentLogger } from "@eddy/core";
import { lineChart } from "@eddy/observability";
import { describe, expect, test } from "vitest";
import { appLogger, type ObserveSettings, observe, observeSettings } from "./observe.ts";
import { pipelineOptions, resolveRuntime, runtimeSettings } from "./runtime.ts";
import { readSettings } from "./settings.ts";

const read = (argv: string[], env: Record<string, string> = {}) => readSettings(observeSettings(), argv, env);

describe("observeSettings", () => {
  test("by default: no dashboard, no metrics server, a progress line every 10 s, info logs", () => {
    expect(read([])).toEqual({
      dashboard: undefined,
      metricsPort: undefined,
      httpHost: "127.0.0.1",
      progress: 10_000,
      logLevel: "info",
    });
  });

  test("--dashboard alone serves on 8081; a port, 0 (a free one) or EDDY_DASHBOARD_PORT choose", () => {
    expect(read(["--dashboard"]).dashboard).toBe(8081);
    expect(read(["--dashboard", "--progress", "off"])).toMatchObject({
      dashboard: 8081,
      progress: undefined,
    });
    expect(read(["--dashboard", "0"]).dashboard).toBe(0);
    expect(read([], { EDDY_DASHBOARD_PORT: "9000" }).dashboard).toBe(9000);
    expect(read(["--dashboard", "8080"], { EDDY_DASHBOARD_PORT: "9000" }).dashboard).toBe(8080);
    expect(() => read(["--dashboard", "70000"])).toThrow(
      '--dashboard="70000": must be a port number in 0..65535',
    );
    expect(() => read([], { EDDY_DASHBOARD_PORT: "web" })).toThrow(
      /EDDY_DASHBOARD_PORT="web": must be a whole number/,
    );
  });

  test("metrics port, host, progress interval and log level", () => {
    expect(
      read(["--metrics-port", "9249", "--http-host", "0.0.0.0", "--progress", "1m"], {
        EDDY_LOG_LEVEL: "debug",
      }),
    ).toEqual({
      dashboard: undefined,
      metricsPort: 9249,
      httpHost: "0.0.0.0",
      progress: 60_000,
      logLevel: "debug",
    });
    expect(read([], { EDDY_PROGRESS: "off" }).progress).toBeUndefined();
    expect(() => read(["--progress", "0s"])).toThrow(
      '--progress="0s": must be a duration > 0 such as 10s, or off',
    );
    expect(() => read([], { EDDY_LOG_LEVEL: "verbose" })).toThrow(
      'EDDY_LOG_LEVEL="verbose": must be one of trace, debug, info, warn, error, fatal, silent',
    );
  });

  test("every app's runtime has them, and its jobs log through the runtime's logger", async () => {
    const runtime = await resolveRuntime(
      readSettings(
        runtimeSettings("observed"),
        ["--checkpoints", "none", "--dashboard", "0", "--log-level", "warn"],
        {},
      ),
    );
    expect(runtime.observe).toMatchObject({ dashboard: 0, logLevel: "warn", progress: 10_000 });
    expect(runtime.logger.pino.level).toBe("warn");
    expect(pipelineOptions(runtime).logger).toBe(runtime.logger);
    await runtime.close();
  });
});

const OFF: ObserveSettings = {
  dashboard: undefined,
  metricsPort: undefined,
  httpHost: "127.0.0.1",
  progress: undefined,
  logLevel: "info",
};

/** A small job with a chart over its records, not yet run. */
function chartedJob() {
  const job = pipeline("observed", { logger: silentLogger, stopOnSignals: false });
  const chart = lineChart<{ at: number; value: number }>({ title: "Values", value: (r) => r.value });
  const records = job
    .source(fromIterable([1, 2, 3].map((i) => ({ at: i * 1_000, value: i * 10 }))))
    .withWatermarks(monotonous(), (r) => r.at);
  return { job, chart, records };
}

/** What a logger or stream wrote, line by line. */
function captured(isTTY = false) {
  const lines: string[] = [];
  return { lines, stream: { isTTY, write: (text: string) => void lines.push(text) } };
}

describe("observe", () => {
  test("serves the dashboard with the app's views and the metrics, and closes them", async () => {
    const { job, chart, records } = chartedJob();
    let built = 0;
    const observation = await observe(job, {
      settings: { ...OFF, dashboard: 0, metricsPort: 0 },
      logger: appLogger("silent"),
      consolePrints: false,
      views: () => {
        built++;
        records.sink(chart);
        return [chart];
      },
    });
    try {
      expect(built).toBe(1);
      expect(observation.lines).toEqual([
        expect.stringMatching(
          /^dashboard http:\/\/127\.0\.0\.1:\d+ \(metrics: .*\/metrics, .*\/metrics\.json\)$/,
        ),
        expect.stringMatching(/^metrics http:\/\/127\.0\.0\.1:\d+\/metrics, .*\/metrics\.json$/),
      ]);
      await job.run();
      const state = (await (await fetch(`${observation.dashboardUrl}/api/state`)).json()) as {
        views: { id: string }[];
        viewStates: Record<string, { series: Record<string, { v: number[] }> }>;
      };
      expect(state.views.map((v) => v.id)).toEqual(["values"]);
      expect(state.viewStates.values!.series.Values!.v).toEqual([10, 20, 30]);
      const metricsUrl = /^metrics (\S+),/.exec(observation.lines[1]!)![1]!;
      expect(await (await fetch(metricsUrl)).text()).toContain(
        'eddy_job_status{job_name="observed",status="finished"} 1',
      );
    } finally {
      await observation.close();
    }
    await expect(fetch(`${observation.dashboardUrl}/api/state`)).rejects.toThrow();
  });

  test("with the dashboard off, the views are not built: the job gets no extra sinks", async () => {
    const { job } = chartedJob();
    const observation = await observe(job, {
      settings: OFF,
      logger: appLogger("silent"),
      consolePrints: false,
      views: () => {
        throw new Error("views built without a dashboard");
      },
    });
    expect(observation).toMatchObject({ lines: [], dashboardUrl: undefined });
    await observation.close();
  });

  test("progress off a terminal: log entries with the figures as fields", async () => {
    const { job, records } = chartedJob();
    records.sink({ name: "nowhere", write() {} });
    const logs = captured();
    const observation = await observe(job, {
      settings: { ...OFF, progress: 60_000 },
      logger: appLogger("info", logs.stream),
      consolePrints: true,
      stream: captured().stream,
    });
    await job.run();
    await observation.close();
    const last = JSON.parse(logs.lines.at(-1)!) as Record<string, unknown>;
    expect(last).toMatchObject({ level: 30, status: "finished", recordsIn: 3 });
    expect(last.msg).toMatch(/^\[observed\] finished/);
  });

  test("progress on a terminal: a status line in place, or plain lines when the console prints results", async () => {
    for (const consolePrints of [false, true]) {
      const { job, records } = chartedJob();
      records.sink({ name: "nowhere", write() {} });
      const terminal = captured(true);
      const logs = captured();
      const observation = await observe(job, {
        settings: { ...OFF, progress: 60_000 },
        logger: appLogger("info", logs.stream),
        consolePrints,
        stream: terminal.stream,
      });
      await job.run();
      await observation.close();
      expect(logs.lines).toEqual([]);
      const last = terminal.lines.at(-1)!;
      if (consolePrints) expect(last).toMatch(/^\[observed\] finished .*\n$/);
      else {
        // Back to the line's start and clear it, then the line.
        expect(last.startsWith("\r\u001b[2K[observed] finished ")).toBe(true);
        expect(last.endsWith("\n")).toBe(true);
      }
    }
  });
});
