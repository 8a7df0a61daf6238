import type { Job, JobDescription } from "@eddy/core";
import { type HttpEndpoint, listen, type RequestHandler, send } from "../http/listen.ts";
import { type JobSample, JobSampler, SAMPLER_DEFAULTS } from "../job-sampler.ts";
import type { PrometheusOptions } from "../prometheus.ts";
import { type JobSampleJson, sampleJson } from "../sample-json.ts";
import { metricsRoutes } from "../serve-metrics.ts";
import type { DashboardView, ViewDefinition, ViewState } from "../views/view.ts";
import { loadAssets } from "./assets.ts";
import { EventStream } from "./event-stream.ts";

/**
 * Options of {@link dashboard}; defaults in {@link DASHBOARD_DEFAULTS}.
 *
 * @example
 * const options: DashboardOptions = { port: 0, host: "0.0.0.0", refreshEvery: 500, metrics: false };
 */
export interface DashboardOptions {
  /** Port to listen on (Flink's web UI port by default); 0 picks a free one. */
  readonly port?: number;
  /** Interface to bind; loopback by default, `"0.0.0.0"` to reach it from other hosts. */
  readonly host?: string;
  /** Custom views fed by the job's streams (see `lineChart`, `table`). */
  readonly views?: readonly DashboardView[];
  /** Interval between updates of the page (ms of the job's processing time). */
  readonly refreshEvery?: number;
  /** Updates kept for the page's history charts (the last five minutes at one a second). */
  readonly keep?: number;
  /** Also serve `/metrics` (Prometheus) and `/metrics.json` on the same port. */
  readonly metrics?: boolean;
  /** Options of the Prometheus endpoint when `metrics` is on. */
  readonly prometheus?: PrometheusOptions;
}

/**
 * Defaults of {@link DashboardOptions}.
 *
 * @example
 * console.log(`the dashboard is at http://127.0.0.1:${DASHBOARD_DEFAULTS.port}`);
 */
export const DASHBOARD_DEFAULTS = {
  /** Flink's web UI port. */
  port: 8081,
  /** Loopback only. */
  host: "127.0.0.1",
  /** One update a second. */
  refreshEvery: SAMPLER_DEFAULTS.every,
  /** Five minutes of history at one update a second. */
  keep: SAMPLER_DEFAULTS.keep,
  /** `/metrics` and `/metrics.json` on the same port. */
  metrics: true,
} as const;

/** One point of the page's history charts. */
export interface HistoryPoint {
  readonly time: number;
  readonly recordsInPerSecond: number;
  readonly recordsOutPerSecond: number;
  readonly watermarkLagMs: number | undefined;
  readonly backPressure: number;
}

/** What a page gets when it connects (`init` event, and `GET /api/state`). */
export interface DashboardInit {
  readonly graph: JobDescription;
  readonly refreshEvery: number;
  readonly views: readonly ViewDefinition[];
  readonly viewStates: Readonly<Record<string, ViewState>>;
  readonly history: readonly HistoryPoint[];
  readonly sample: JobSampleJson;
}

/** What a page gets at every refresh (`sample` event). */
export interface DashboardUpdate {
  readonly sample: JobSampleJson;
  readonly history: HistoryPoint;
  /** Per view id, what changed since the last update (views without changes are left out). */
  readonly views: Readonly<Record<string, ViewState>>;
}

/**
 * A running dashboard: its address, and how to close it.
 *
 * @example
 * const ui: Dashboard = await dashboard(job, { port: 0 });
 * console.log(`dashboard at ${ui.url}`);
 * await ui.close();
 */
export type Dashboard = HttpEndpoint;

/**
 * Serves a live web page about the running job: its graph with the rate on every edge and the
 * watermark, lag, backpressure and late records of every operator; records in and out and
 * watermark lag over time; checkpoint history; and the custom views given (charts with bands and
 * alert markers, leaderboards). The page updates itself through server-sent events at every
 * `refreshEvery` of the job's processing time, draws charts with uPlot served from the
 * installed package, and needs no internet access.
 *
 * Off unless called: the job's record path only ever increments counters. Close it when done.
 *
 * @example
 * const prices = lineChart({
 *   title: "Price per symbol",
 *   layout: "grid",
 *   series: (r: OverResult<Tick, string, Stats>) => r.key,
 *   value: (r) => r.record.price,
 *   band: (r) => [r.value.min, r.value.max],
 * });
 * ticks.keyBy((t) => t.symbol).over({ range: hours(1) }).aggregate(stats((t) => t.price)).sink(prices);
 * const ui = await dashboard(job, { port: 8081, views: [prices] });
 * console.log(`dashboard at ${ui.url}`);
 * try {
 *   await job.run();
 * } finally {
 *   await ui.close();
 * }
 * @throws Error when two views share an id, or the port cannot be bound.
 */
export async function dashboard(job: Job, options: DashboardOptions = {}): Promise<Dashboard> {
  const views = options.views ?? [];
  const ids = new Set<string>();
  for (const view of views) {
    if (ids.has(view.id)) {
      throw new Error(`dashboard(${job.name}): two views have the id "${view.id}"; give one of them an id`);
    }
    ids.add(view.id);
  }
  const refreshEvery = options.refreshEvery ?? DASHBOARD_DEFAULTS.refreshEvery;
  const assets = await loadAssets();
  const sampler = new JobSampler(job, { every: refreshEvery, keep: options.keep ?? DASHBOARD_DEFAULTS.keep });
  const events = new EventStream();
  // Changes are sent relative to what the last update carried; a page that connects in between
  // gets the full state, and applying a change twice leaves it the same.
  const sent = new Map(views.map((v) => [v.id, v.version]));

  const init = (): DashboardInit => {
    const latest = sampler.latest ?? sampler.sample();
    const viewStates: Record<string, ViewState> = {};
    for (const view of views) viewStates[view.id] = view.state();
    return {
      graph: job.describe(),
      refreshEvery,
      views: views.map((v) => v.definition()),
      viewStates,
      history: sampler.samples.map(historyPoint),
      sample: sampleJson(latest),
    };
  };

  const unsubscribe = sampler.subscribe((sample) => {
    const changed: Record<string, ViewState> = {};
    for (const view of views) {
      const since = sent.get(view.id)!;
      const changes = view.changesSince(since);
      if (changes) changed[view.id] = changes;
      sent.set(view.id, view.version);
    }
    const update: DashboardUpdate = {
      sample: sampleJson(sample),
      history: historyPoint(sample),
      views: changed,
    };
    events.broadcast("sample", update);
  });
  sampler.start();

  const metrics =
    (options.metrics ?? DASHBOARD_DEFAULTS.metrics) ? metricsRoutes(job, options.prometheus) : undefined;
  const page: RequestHandler = (request, response, url) => {
    if (request.method !== "GET") return false;
    if (url.pathname === "/events") {
      events.open(response, { event: "init", data: init() });
      return true;
    }
    if (url.pathname === "/api/state") {
      send(response, 200, "application/json", JSON.stringify(init()));
      return true;
    }
    const asset = assets.get(url.pathname);
    if (!asset) return false;
    send(response, 200, asset.contentType, asset.body);
    return true;
  };

  const stop = () => {
    unsubscribe();
    sampler.stop();
    metrics?.stop();
    events.close();
  };
  try {
    const endpoint = await listen(`dashboard(${job.name})`, metrics ? [page, metrics.handler] : [page], {
      port: options.port ?? DASHBOARD_DEFAULTS.port,
      host: options.host ?? DASHBOARD_DEFAULTS.host,
    });
    return {
      ...endpoint,
      close: async () => {
        stop();
        await endpoint.close();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}

function historyPoint(sample: JobSample): HistoryPoint {
  return {
    time: sample.reading.time,
    recordsInPerSecond: sample.totals.recordsInPerSecond,
    recordsOutPerSecond: sample.totals.recordsOutPerSecond,
    watermarkLagMs: sample.totals.watermarkLagMs,
    backPressure: sample.totals.backPressure,
  };
}
