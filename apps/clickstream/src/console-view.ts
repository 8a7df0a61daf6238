import { clockTime, shortDuration, style, thousands } from "@eddy/app-kit";
import { type AggregateFunction, consoleSink, minutes, type Sink, tumbling } from "@eddy/core";
import type { ClickstreamStreams, Leaderboard, Session } from "./clickstream.ts";
import type { ErrorRate, ErrorRateAlert } from "./error-rate-anomalies.ts";

/**
 * What the console shows: presentation, not part of the job's logic. One line per minute with its
 * requests, its 5xx rate, the visits that ended and the busiest pages; each alert as it fires.
 */

type MinuteInput =
  | { readonly rate: ErrorRate }
  | { readonly board: Leaderboard }
  | { readonly session: Session };

interface Minute {
  rate: ErrorRate | undefined;
  board: Leaderboard | undefined;
  sessionPages: number[];
  sessionDurations: number[];
}

const minuteSummary: AggregateFunction<MinuteInput, Minute, Minute> = {
  create: () => ({ rate: undefined, board: undefined, sessionPages: [], sessionDurations: [] }),
  add(acc, input) {
    if ("rate" in input) acc.rate = input.rate;
    else if ("board" in input) acc.board = input.board;
    else {
      acc.sessionPages.push(input.session.pages);
      acc.sessionDurations.push(input.session.durationMs);
    }
    return acc;
  },
  merge: (a, b) => ({
    rate: b.rate ?? a.rate,
    board: b.board ?? a.board,
    sessionPages: [...a.sessionPages, ...b.sessionPages],
    sessionDurations: [...a.sessionDurations, ...b.sessionDurations],
  }),
  result: (acc) => acc,
};

const median = (values: readonly number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

/** The header of the per-minute lines. */
export function minuteHeader(): string {
  return style("bold", ` minute  requests    5xx   visits ended (median)   busiest pages`);
}

function minuteLine(start: number, m: Minute): string {
  const requests = m.rate ? thousands(m.rate.requests).padStart(9) : "".padStart(9);
  const rate = m.rate ? `${(m.rate.rate * 100).toFixed(1)}%`.padStart(7) : "".padStart(7);
  const visits =
    m.sessionPages.length === 0
      ? "".padEnd(23)
      : `${String(m.sessionPages.length).padStart(4)} (${median(m.sessionPages)} pages, ${shortDuration(median(m.sessionDurations))})`.padEnd(
          23,
        );
  const pages = (m.board?.pages ?? [])
    .slice(0, 5)
    .map((p) => `${p.page} ${p.hits}`)
    .join(style("dim", " · "));
  const errorStyle = m.rate && m.rate.rate > 0.05 ? "red" : "dim";
  return ` ${clockTime(start)}  ${requests} ${style(errorStyle, rate)}   ${visits} ${pages}`;
}

/**
 * Adds the console's per-minute lines to the job: error rates, leaderboards and ended sessions of
 * a minute, brought together by a one-minute window keyed by one key.
 */
export function addConsoleMinutes(streams: ClickstreamStreams): void {
  streams.errorRates
    .map((rate): MinuteInput => ({ rate }), { name: "minute-rates" })
    .union(
      streams.leaderboard.map((board): MinuteInput => ({ board }), { name: "minute-boards" }),
      streams.sessions.map((session): MinuteInput => ({ session }), { name: "minute-sessions" }),
    )
    .keyBy(() => "minute")
    .window(tumbling(minutes(1)))
    .aggregate(minuteSummary, { name: "console-minutes" })
    .sink(consoleSink({ name: "minutes", format: (r) => minuteLine(r.window.start, r.value) }), {
      name: "minutes-console",
    });
}

/** Prints an alert as it fires. */
export function alertConsole(name: string): Sink<ErrorRateAlert> {
  return consoleSink({
    name,
    format: (a) =>
      style(
        ["bold", "yellow"],
        ` ⚠ ${clockTime(a.start)}  5xx rate ${(a.rate * 100).toFixed(1)}%: ${a.zScore.toFixed(1)} σ above its moving average ${(a.expected * 100).toFixed(1)}% (σ ${(a.stdDev * 100).toFixed(2)}%), ${thousands(a.errors)} of ${thousands(a.requests)} requests failed`,
      ),
  });
}
