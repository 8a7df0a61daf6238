import type { Job } from "@eddy/core";
import type { Registry } from "prom-client";
import { type ControlOptions, checkControlOptions, controlRoutes } from "./http/control-routes.ts";
import { healthRoutes } from "./http/health-routes.ts";
import { type HttpEndpoint, listen, type RequestHandler, send } from "./http/listen.ts";
import { readJob } from "./job-reading.ts";
import { JobSampler, type SamplerOptions, sampleFrom } from "./job-sampler.ts";
import { type PrometheusOptions, prometheusRegistry } from "./prometheus.ts";
import { sampleJson } from "./sample-json.ts";

/**
 * Options of {@link serveMetrics}; defaults in {@link SERVE_METRICS_DEFAULTS}.
 *
 * @example
 * // Reachable by a Prometheus on another host, rates for /metrics.json every 5 s.
 * const options: ServeMetricsOptions = { host: "0.0.0.0", port: 9249, sample: { every: 5_000 } };
 */
export interface ServeMetricsOptions extends PrometheusOptions {
  /** Port to listen on; 0 picks a free one. */
  readonly port?: number;
  /** Interface to bind; `"0.0.0.0"` lets a Prometheus on another host scrape it. */
  readonly host?: string;
  /** How often rates for the JSON endpoint are sampled. */
  readonly sample?: SamplerOptions;
  /**
   * Turns on the control endpoints (`POST /savepoints`, `POST /stop`), each guarded by this bearer
   * token. Off by default: without it nobody can change the running job over HTTP.
   */
  readonly control?: ControlOptions;
}

/**
 * Defaults of {@link ServeMetricsOptions}: Flink's Prometheus reporter port, loopback only.
 *
 * @example
 * const target = `${SERVE_METRICS_DEFAULTS.host}:${SERVE_METRICS_DEFAULTS.port}`; // for prometheus.yml
 */
export const SERVE_METRICS_DEFAULTS = {
  /** The port of Flink's Prometheus reporter. */
  port: 9249,
  /** Loopback only. */
  host: "127.0.0.1",
} as const;

/**
 * A running metrics endpoint.
 *
 * @example
 * const metrics: MetricsServer = await serveMetrics(job, { port: 0 });
 * console.log(await (await fetch(`${metrics.url}/metrics`)).text());
 * await metrics.close();
 */
export interface MetricsServer extends HttpEndpoint {
  /** The registry behind `/metrics`, to add application metrics to. */
  readonly registry: Registry;
}

/** The routes of the metrics endpoint, to serve alone or next to the dashboard. */
export interface MetricsRoutes {
  /** Answers `/metrics` and `/metrics.json`. */
  readonly handler: RequestHandler;
  /** The registry behind `/metrics`. */
  readonly registry: Registry;
  /** Stops the sampler behind `/metrics.json`. */
  stop(): void;
}

/**
 * Routes `GET /metrics` (Prometheus text, see {@link prometheusRegistry}) and `GET /metrics.json`
 * (the latest sample: every node with its counters and rates, every edge, checkpoints).
 */
export function metricsRoutes(job: Job, options: ServeMetricsOptions = {}): MetricsRoutes {
  const registry = prometheusRegistry(job, options);
  const sampler = new JobSampler(job, options.sample).start();
  const handler: RequestHandler = async (request, response, url) => {
    if (request.method !== "GET") return false;
    if (url.pathname === "/metrics") {
      send(response, 200, registry.contentType, await registry.metrics());
      return true;
    }
    if (url.pathname === "/metrics.json") {
      // Before the first periodic sample, rates are taken since the job started.
      const sample = sampler.latest ?? sampleFrom(readJob(job), undefined);
      send(response, 200, "application/json", JSON.stringify(sampleJson(sample)));
      return true;
    }
    return false;
  };
  return { handler, registry, stop: () => sampler.stop() };
}

/**
 * Serves the job over HTTP while it runs: `/metrics` for Prometheus, `/metrics.json` for anything
 * else, `/healthz` and `/readyz` for a container orchestrator's probes, and — only with
 * `control` — `POST /savepoints` and `POST /stop` behind a bearer token. Off unless called:
 * without it nothing is read, sampled or served. Close it when the job is done.
 *
 * @example
 * const metrics = await serveMetrics(job, { port: 9249, host: "0.0.0.0" });
 * try { await job.run(); } finally { await metrics.close(); }
 */
export async function serveMetrics(job: Job, options: ServeMetricsOptions = {}): Promise<MetricsServer> {
  const owner = `serveMetrics(${job.name})`;
  checkControlOptions(owner, options.control);
  const routes = metricsRoutes(job, options);
  const handlers = [routes.handler, healthRoutes(job)];
  if (options.control !== undefined) handlers.push(controlRoutes(job, options.control));
  try {
    const endpoint = await listen(owner, handlers, {
      port: options.port ?? SERVE_METRICS_DEFAULTS.port,
      host: options.host ?? SERVE_METRICS_DEFAULTS.host,
    });
    return {
      ...endpoint,
      registry: routes.registry,
      close: async () => {
        routes.stop();
        await endpoint.close();
      },
    };
  } catch (error) {
    routes.stop();
    throw error;
  }
}
