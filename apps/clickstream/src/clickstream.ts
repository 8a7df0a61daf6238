import {
  type DeadLetter,
  operatorDeadLetter,
  type RecordSource,
  sinkAll,
  withUndecodable,
} from "@eddy/app-kit";
import {
  type AggregateFunction,
  boundedOutOfOrderness,
  count,
  type DataStream,
  type FailedRecord,
  type Job,
  minutes,
  OutputTag,
  type PipelineOptions,
  pipeline,
  type Sink,
  seconds,
  session,
  tumbling,
} from "@eddy/core";
import { type Hit, parseCombinedLog } from "./access-log.ts";
import {
  ERROR_RATE_ANOMALY_DEFAULTS,
  type ErrorRate,
  type ErrorRateAlert,
  type ErrorRateAnomalyOptions,
  errorRateAnomalies,
} from "./error-rate-anomalies.ts";
import type { PageHits } from "./page-hits.ts";
import { pageHitsSql } from "./page-hits-sql.ts";

export type { PageHits } from "./page-hits.ts";

/** The busiest pages of a minute, busiest first (ties by page name). */
export interface Leaderboard {
  readonly start: number;
  readonly end: number;
  readonly pages: readonly { readonly page: string; readonly hits: number }[];
}

/** One visit of a client: its first and last request (epoch ms) and how many pages it asked for. */
export interface Session {
  readonly ip: string;
  readonly start: number;
  readonly end: number;
  readonly pages: number;
  readonly durationMs: number;
}

/** Options of {@link clickstream}; defaults in {@link CLICKSTREAM_DEFAULTS}. */
export interface ClickstreamOptions {
  /** How late a line may arrive, in event time, and still count (the watermark's bound). */
  readonly outOfOrderness: number;
  /** A client's visit ends after this long without a request. */
  readonly sessionGap: number;
  /** Pages on each minute's leaderboard. */
  readonly leaderboardSize: number;
  readonly anomalies: ErrorRateAnomalyOptions;
  /**
   * How `pageHits` are counted: `typed`, by a keyed tumbling window, or `sql`, by the KDA SQL of
   * `page-hits.sql` through `@eddy/sql` ({@link pageHitsSql}); the same rows either way.
   */
  readonly query: "typed" | "sql";
}

export const CLICKSTREAM_DEFAULTS: ClickstreamOptions = {
  outOfOrderness: seconds(5),
  sessionGap: minutes(30),
  leaderboardSize: 10,
  anomalies: ERROR_RATE_ANOMALY_DEFAULTS,
  query: "typed",
};

/** The streams of the clickstream job, by name: what sinks (and dashboards) attach to. */
export interface ClickstreamStreams {
  /** Parsed requests, in event time. */
  readonly hits: DataStream<Hit>;
  readonly pageHits: DataStream<PageHits>;
  readonly leaderboard: DataStream<Leaderboard>;
  readonly sessions: DataStream<Session>;
  readonly errorRates: DataStream<ErrorRate>;
  readonly alerts: DataStream<ErrorRateAlert>;
  /** Lines that are not combined-log lines, with the parser's reason. */
  readonly malformed: DataStream<DeadLetter>;
}

/** Requests and 5xx responses of a window. */
const errorRate: AggregateFunction<
  Hit,
  { requests: number; errors: number },
  { requests: number; errors: number }
> = {
  create: () => ({ requests: 0, errors: 0 }),
  add(acc, hit) {
    acc.requests++;
    if (hit.status >= 500) acc.errors++;
    return acc;
  },
  merge: (a, b) => ({ requests: a.requests + b.requests, errors: a.errors + b.errors }),
  result: (acc) => ({ ...acc }),
};

/** The `size` busiest pages, ties by page name, so the board does not depend on arrival order. */
function busiest(pages: readonly PageHits[], size: number): Leaderboard["pages"] {
  return [...pages]
    .sort((a, b) => b.hits - a.hits || (a.page < b.page ? -1 : a.page > b.page ? 1 : 0))
    .slice(0, size)
    .map(({ page, hits }) => ({ page, hits }));
}

/**
 * The clickstream dataflow on a stream of Apache combined-log lines:
 *
 * - lines are parsed; a line that is not a combined-log line goes to `malformed` with the reason,
 *   and the job goes on. Event time is the request's time (its time zone applied);
 * - `pageHits`: requests per page per one-minute tumbling window;
 * - `leaderboard`: each minute's `leaderboardSize` busiest pages (a second window over the first's
 *   results, which carry the minute's last millisecond as their time);
 * - `sessions`: per client IP, session windows closed by `sessionGap` without a request;
 * - `errorRates` and `alerts`: each minute's 5xx rate over the whole site, and an alert when it
 *   departs from its recent history ({@link errorRateAnomalies}).
 *
 * Windows fire when the watermark (newest request − `outOfOrderness`) passes their end; a session
 * when it passes the last request + `sessionGap`.
 *
 * @example
 * const { leaderboard, alerts } = clickstream(job.source(lines));
 * leaderboard.sink(consoleSink());
 */
export function clickstream(
  lines: DataStream<string>,
  overrides: Partial<ClickstreamOptions> = {},
): ClickstreamStreams {
  const options = { ...CLICKSTREAM_DEFAULTS, ...overrides };
  const unparsable = new OutputTag<FailedRecord<string>>("malformed-lines");
  const parsed = lines.map(parseCombinedLog, { name: "parse", errors: unparsable });
  const hits = parsed.withWatermarks(boundedOutOfOrderness(options.outOfOrderness), (h) => h.time);

  const pageHits =
    options.query === "sql"
      ? pageHitsSql(hits)
      : hits
          .keyBy((h) => h.path)
          .window(tumbling(minutes(1)))
          .aggregate(count(), { name: "hits-per-page" })
          .map((r): PageHits => ({ page: r.key, start: r.window.start, end: r.window.end, hits: r.value }), {
            name: "page-hits",
          });

  const leaderboard = pageHits
    .keyBy((p) => p.start)
    .window(tumbling(minutes(1)))
    .process<Leaderboard>(
      (pages, ctx) =>
        ctx.emit({
          start: ctx.key,
          end: ctx.key + minutes(1),
          pages: busiest(pages, options.leaderboardSize),
        }),
      { name: "top-pages" },
    );

  // A session window spans [first request, last request + gap): its bounds give the visit's length.
  const sessions = hits
    .keyBy((h) => h.ip)
    .window(session(options.sessionGap))
    .aggregate(count(), { name: "sessions" })
    .map((r): Session => {
      const end = r.window.end - options.sessionGap;
      return { ip: r.key, start: r.window.start, end, pages: r.value, durationMs: end - r.window.start };
    });

  const errorRates = hits
    .keyBy(() => "site")
    .window(tumbling(minutes(1)))
    .aggregate(errorRate, { name: "error-rate" })
    .map(
      (r): ErrorRate => ({
        start: r.window.start,
        end: r.window.end,
        ...r.value,
        rate: r.value.errors / r.value.requests,
      }),
    );

  const alerts = errorRates
    .keyBy(() => "site")
    .process(errorRateAnomalies(options.anomalies), { name: "error-rate-anomalies" });

  const malformed = parsed.getSideOutput(unparsable).map(operatorDeadLetter);
  return { hits, pageHits, leaderboard, sessions, errorRates, alerts, malformed };
}

/** What {@link clickstreamJob} is built from: a source of log lines, sinks per stream, how to checkpoint. */
export interface ClickstreamWiring {
  readonly name: string;
  readonly pipeline: PipelineOptions;
  readonly input: RecordSource<string>;
  readonly options?: Partial<ClickstreamOptions>;
  readonly sinks: {
    readonly hits?: readonly Sink<Hit>[];
    readonly pageHits?: readonly Sink<PageHits>[];
    readonly leaderboard?: readonly Sink<Leaderboard>[];
    readonly sessions?: readonly Sink<Session>[];
    readonly errorRates?: readonly Sink<ErrorRate>[];
    readonly alerts?: readonly Sink<ErrorRateAlert>[];
    /** Malformed lines, and records the source could not decode. */
    readonly deadLetters?: readonly Sink<DeadLetter>[];
  };
}

/**
 * The clickstream job: `clickstream` on the wiring's source, each stream sent to its sinks.
 * Returns the job, to run, and its streams, for more sinks or a dashboard.
 */
export function clickstreamJob(wiring: ClickstreamWiring): { job: Job; streams: ClickstreamStreams } {
  const job = pipeline(wiring.name, wiring.pipeline);
  const lines = job.source(wiring.input.source, { name: "access-log" });
  const streams = clickstream(lines, wiring.options);
  const { sinks } = wiring;
  sinkAll(streams.hits, sinks.hits ?? []);
  sinkAll(streams.pageHits, sinks.pageHits ?? []);
  sinkAll(streams.leaderboard, sinks.leaderboard ?? []);
  sinkAll(streams.sessions, sinks.sessions ?? []);
  sinkAll(streams.errorRates, sinks.errorRates ?? []);
  sinkAll(streams.alerts, sinks.alerts ?? []);
  sinkAll(withUndecodable(streams.malformed, lines, wiring.input), sinks.deadLetters ?? []);
  return { job, streams };
}
