/**
 * The expected output of the clickstream job, computed plainly from a finite list of log lines,
 * without Eddy: counts per page and minute, leaderboards, visits split at gaps, error rates, and
 * the anomaly rule as its TSDoc states it. It shares only the line parser with the job (the input
 * format's definition, tested on its own).
 */
import { type Hit, parseCombinedLog } from "../access-log.ts";
import type { Leaderboard, PageHits, Session } from "../clickstream.ts";
import type { ErrorRate, ErrorRateAlert, ErrorRateAnomalyOptions } from "../error-rate-anomalies.ts";

const MINUTE = 60_000;
const minuteOf = (time: number) => Math.floor(time / MINUTE) * MINUTE;

/** The lines that parse, and the reasons of those that do not (in input order). */
export function parseAll(lines: readonly string[]): { hits: Hit[]; reasons: string[] } {
  const hits: Hit[] = [];
  const reasons: string[] = [];
  for (const line of lines) {
    try {
      hits.push(parseCombinedLog(line));
    } catch (error) {
      reasons.push((error as Error).message);
    }
  }
  return { hits, reasons };
}

export function expectedPageHits(hits: readonly Hit[]): PageHits[] {
  const counts = new Map<string, number>();
  for (const hit of hits) {
    const id = `${minuteOf(hit.time)} ${hit.path}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts]
    .map(([id, hits]) => {
      const [start, page] = [Number(id.slice(0, id.indexOf(" "))), id.slice(id.indexOf(" ") + 1)];
      return { page, start, end: start + MINUTE, hits };
    })
    .sort(byPageHits);
}

export function byPageHits(a: PageHits, b: PageHits): number {
  return a.start - b.start || (a.page < b.page ? -1 : a.page > b.page ? 1 : 0);
}

/** Each minute's `size` most requested pages, most first, ties by name. */
export function expectedLeaderboards(hits: readonly Hit[], size: number): Leaderboard[] {
  const byMinute = new Map<number, PageHits[]>();
  for (const p of expectedPageHits(hits)) byMinute.set(p.start, [...(byMinute.get(p.start) ?? []), p]);
  return [...byMinute]
    .map(([start, pages]) => ({
      start,
      end: start + MINUTE,
      pages: pages
        .sort((a, b) => b.hits - a.hits || (a.page < b.page ? -1 : 1))
        .slice(0, size)
        .map(({ page, hits }) => ({ page, hits })),
    }))
    .sort((a, b) => a.start - b.start);
}

/** A client's requests in time order, split where more than `gap` passes between two. */
export function expectedSessions(hits: readonly Hit[], gap: number): Session[] {
  const byIp = new Map<string, number[]>();
  for (const hit of hits) byIp.set(hit.ip, [...(byIp.get(hit.ip) ?? []), hit.time]);
  const sessions: Session[] = [];
  for (const [ip, times] of byIp) {
    times.sort((a, b) => a - b);
    let first = times[0]!;
    let pages = 0;
    for (let i = 0; i < times.length; i++) {
      if (i > 0 && times[i]! - times[i - 1]! > gap) {
        sessions.push({ ip, start: first, end: times[i - 1]!, pages, durationMs: times[i - 1]! - first });
        first = times[i]!;
        pages = 0;
      }
      pages++;
    }
    const last = times.at(-1)!;
    sessions.push({ ip, start: first, end: last, pages, durationMs: last - first });
  }
  return sessions.sort(bySession);
}

export function bySession(a: Session, b: Session): number {
  return a.start - b.start || (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
}

export function expectedErrorRates(hits: readonly Hit[]): ErrorRate[] {
  const minutes = new Map<number, { requests: number; errors: number }>();
  for (const hit of hits) {
    const m = minutes.get(minuteOf(hit.time)) ?? { requests: 0, errors: 0 };
    m.requests++;
    if (hit.status >= 500) m.errors++;
    minutes.set(minuteOf(hit.time), m);
  }
  return [...minutes]
    .map(([start, m]) => ({ start, end: start + MINUTE, ...m, rate: m.errors / m.requests }))
    .sort((a, b) => a.start - b.start);
}

/**
 * The anomaly rule over the minutes in order: z against the EWMA and exponentially weighted
 * standard deviation (floored) of the minutes learned so far; an anomalous minute alerts and is
 * not learned; small minutes are skipped.
 */
export function expectedAlerts(
  rates: readonly ErrorRate[],
  options: ErrorRateAnomalyOptions,
): ErrorRateAlert[] {
  const alerts: ErrorRateAlert[] = [];
  let mean = Number.NaN;
  let variance = 0;
  let learned = 0;
  for (const window of rates) {
    if (window.requests < options.minRequests) continue;
    if (learned === 0) mean = window.rate;
    const stdDev = Math.max(Math.sqrt(variance), options.minStdDev);
    const zScore = (window.rate - mean) / stdDev;
    if (learned >= options.warmup && zScore >= options.threshold) {
      alerts.push({ ...window, expected: mean, stdDev, zScore });
      continue;
    }
    const d = window.rate - mean;
    mean += options.alpha * d;
    variance = (1 - options.alpha) * (variance + options.alpha * d * d);
    learned++;
  }
  return alerts;
}
