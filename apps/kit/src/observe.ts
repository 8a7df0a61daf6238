import type { Job, LeaseStore } from "@eddy/core";
import {
  DASHBOARD_DEFAULTS,
  type DashboardView,
  dashboard,
  type EddyLogger,
  type HttpEndpoint,
  type ProgressStream,
  pinoLogger,
  progressReporter,
  serveMetrics,
  watchLeaseTable,
  workersViews,
} from "@eddy/observability";
import pretty from "pino-pretty";
import { duration, integer, oneOf, type Setting, type SettingValues, text } from "./settings.ts";

/** pino's levels, lowest first; `silent` writes nothing. */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const tcpPort = (value: string): number => {
  const port = integer(0)(value);
  if (port > 65_535) throw new TypeError("must be a port number in 0..65535");
  return port;
};

/**
 * The settings that let a person see a running app: the live dashboard, Prometheus metrics, a
 * progress line and structured logs. Everything but the logs and the progress line is off unless
 * asked for: a job that nobody watches only increments its counters.
 */
export function observeSettings() {
  return {
    dashboard: {
      flag: "dashboard",
      env: "EDDY_DASHBOARD_PORT",
      description: `serve the live dashboard on this port (\`0\`: a free one; \`--dashboard\` alone: ${DASHBOARD_DEFAULTS.port}): the job graph, rates, watermarks, checkpoints and the app's own views, plus \`/metrics\` (Prometheus) and \`/metrics.json\``,
      parse: tcpPort,
      default: undefined,
      defaultText: "off",
      bareValue: String(DASHBOARD_DEFAULTS.port),
    } as Setting<number | undefined>,
    metricsPort: {
      flag: "metrics-port",
      env: "EDDY_METRICS_PORT",
      description:
        "serve `/metrics` (Prometheus) and `/metrics.json` on this port, for a scraper when the dashboard is off (the dashboard's port serves them too)",
      parse: tcpPort,
      default: undefined,
      defaultText: "off",
    } as Setting<number | undefined>,
    httpHost: {
      flag: "http-host",
      env: "EDDY_HTTP_HOST",
      description: "the interface the dashboard and the metrics listen on (`0.0.0.0`: every interface)",
      parse: text,
      default: DASHBOARD_DEFAULTS.host as string,
    },
    progress: {
      flag: "progress",
      env: "EDDY_PROGRESS",
      description:
        "how the job is doing (records per second, watermark, last checkpoint) on stderr every this long, or `off`: a log entry off a terminal; on a terminal a status line rewritten in place, or a plain line when the console sink prints results",
      parse: (value) => {
        if (value === "off") return undefined;
        const every = duration(value);
        if (every <= 0) throw new TypeError("must be a duration > 0 such as 10s, or off");
        return every;
      },
      default: 10_000,
      defaultText: "`10s`",
    } as Setting<number | undefined>,
    logLevel: {
      flag: "log-level",
      env: "EDDY_LOG_LEVEL",
      description: `structured logs (JSON lines on stderr) from this level on: ${LOG_LEVELS.join(", ")}`,
      parse: oneOf(LOG_LEVELS),
      default: "info",
    } as Setting<LogLevel>,
  } satisfies Record<string, Setting<unknown>>;
}

export type ObserveSettings = SettingValues<ReturnType<typeof observeSettings>>;

/**
 * The apps' logger: pino's lines on stderr (stdout carries the console's results), with the job's
 * name on every line the job writes. JSON lines for log collectors; on a terminal, the same lines
 * pretty-printed for the person reading them.
 */
export function appLogger(
  level: LogLevel,
  destination: { write(line: string): void } = process.stderr.isTTY ? readableOnTerminal() : process.stderr,
): EddyLogger {
  return pinoLogger({ level, destination });
}

/** pino-pretty to stderr, synchronously, so a line logged just before an exit is not lost. */
function readableOnTerminal(): { write(line: string): void } {
  return pretty({ destination: 2, sync: true, ignore: "pid,hostname,job", translateTime: "SYS:HH:MM:ss" });
}

/** What {@link observe} started: lines for the banner, and how to stop it all. */
export interface Observation {
  /** Where to look: the dashboard's and metrics' addresses. */
  readonly lines: readonly string[];
  /** The dashboard's address, when it is on. */
  readonly dashboardUrl: string | undefined;
  /** Writes the last progress line and closes the servers. */
  close(): Promise<void>;
}

/** Where progress goes and how it is written, from the settings and what stderr is. */
export interface ObserveTarget {
  readonly settings: ObserveSettings;
  readonly logger: EddyLogger;
  /** Whether the console sink prints results to the terminal (a status line in place would tear them). */
  readonly consolePrints: boolean;
  /** The app's views, built only when the dashboard is on (they add sinks to the job). */
  readonly views?: () => readonly DashboardView[];
  /** Where progress goes. Default: stderr. */
  readonly stream?: ProgressStream;
  /**
   * The job's lease table, when it runs on several workers: the dashboard's workers and leases
   * views and the `eddy_cluster_*` metrics read it, so they show the whole job.
   */
  readonly leases?: LeaseStore;
}

/**
 * Starts what the settings ask for on `job`, before it runs: the dashboard with the app's views,
 * a metrics server, the progress reporter. Closing stops them; on failure to listen, what was
 * started is closed again.
 */
export async function observe(job: Job, target: ObserveTarget): Promise<Observation> {
  const { settings } = target;
  const servers: HttpEndpoint[] = [];
  const lines: string[] = [];
  let dashboardUrl: string | undefined;
  // Read only while someone can look: by the dashboard or a metrics scraper.
  const watched = settings.dashboard !== undefined || settings.metricsPort !== undefined;
  const watch = target.leases && watched ? watchLeaseTable(target.leases) : undefined;
  const prometheus = watch ? { leases: watch } : {};
  try {
    if (settings.dashboard !== undefined) {
      const ui = await dashboard(job, {
        port: settings.dashboard,
        host: settings.httpHost,
        views: [...(watch ? workersViews(watch, job) : []), ...(target.views?.() ?? [])],
        prometheus,
      });
      servers.push(ui);
      dashboardUrl = ui.url;
      lines.push(`dashboard ${ui.url} (metrics: ${ui.url}/metrics, ${ui.url}/metrics.json)`);
    }
    if (settings.metricsPort !== undefined) {
      const metrics = await serveMetrics(job, {
        port: settings.metricsPort,
        host: settings.httpHost,
        ...prometheus,
      });
      servers.push(metrics);
      lines.push(`metrics ${metrics.url}/metrics, ${metrics.url}/metrics.json`);
    }
  } catch (error) {
    watch?.stop();
    await Promise.all(servers.map((s) => s.close()));
    throw error;
  }
  const stream = target.stream ?? process.stderr;
  const onTerminal = stream.isTTY === true;
  const progress =
    settings.progress === undefined
      ? undefined
      : progressReporter(job, {
          stream,
          every: settings.progress,
          live: onTerminal && !target.consolePrints,
          // Off a terminal progress is a log entry with its figures as fields, for a log collector.
          ...(onTerminal ? {} : { logger: target.logger }),
        });
  return {
    lines,
    dashboardUrl,
    close: async () => {
      watch?.stop();
      progress?.stop();
      await Promise.all(servers.map((s) => s.close()));
    },
  };
}
