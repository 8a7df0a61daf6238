import type { DataStream } from "@eddy/core";
import { createTestHarness, type TestHarness } from "@eddy/core/testing";
import { expect, test } from "vitest";
import { CLICKSTREAM_DEFAULTS, type ClickstreamStreams, clickstream } from "./clickstream.ts";
import { ACCESS_LOG_DEFAULTS, accessLog } from "./log-generator.ts";
import {
  byPageHits,
  bySession,
  expectedAlerts,
  expectedErrorRates,
  expectedLeaderboards,
  expectedPageHits,
  expectedSessions,
  parseAll,
} from "./test-support/reference.ts";

// 75 minutes of traffic at 200 ms per request (so visits end and start again), with two
// incidents after the anomaly detector's warm-up.
const line = accessLog({ ...ACCESS_LOG_DEFAULTS, seed: 6, everyMs: 200 });
const LINES = Array.from({ length: 22_500 }, (_, i) => line(i));
const { hits: HITS, reasons: REASONS } = parseAll(LINES);

/** Feeds the lines in batches of 250, restoring from a checkpoint at `restoreAt` if asked. */
async function run<T>(
  pick: (streams: ClickstreamStreams) => DataStream<T>,
  restoreAt?: number,
): Promise<T[]> {
  const harness: TestHarness<string, T> = createTestHarness((input: DataStream<string>) =>
    pick(clickstream(input)),
  );
  for (let i = 0; i < LINES.length; i += 250) {
    if (i === restoreAt) await harness.snapshotAndRestore();
    await harness.processElements(LINES.slice(i, i + 250).map((value) => ({ value, timestamp: Number.NaN })));
  }
  await harness.endInput();
  return harness.values();
}

test("the input has what the test needs: malformed lines, ended visits, incidents after the warm-up", () => {
  expect(REASONS.length).toBeGreaterThan(50);
  expect(expectedSessions(HITS, CLICKSTREAM_DEFAULTS.sessionGap).length).toBeGreaterThan(500);
  expect(expectedAlerts(expectedErrorRates(HITS), CLICKSTREAM_DEFAULTS.anomalies).length).toBeGreaterThan(1);
});

test("malformed lines go to the dead letters with the parser's reason; the job goes on", async () => {
  const letters = await run((s) => s.malformed);
  expect(letters.map((l) => l.reason)).toEqual(REASONS);
  expect(letters.every((l) => l.origin === "operator parse" && l.timestamp === undefined)).toBe(true);
});

test("hits per page per minute", async () => {
  const pageHits = await run((s) => s.pageHits, 11_000);
  expect(pageHits.sort(byPageHits)).toEqual(expectedPageHits(HITS));
});

test("each minute's top-10 pages, ties by page name", async () => {
  const boards = await run((s) => s.leaderboard, 7_250);
  expect(boards.sort((a, b) => a.start - b.start)).toEqual(expectedLeaderboards(HITS, 10));
});

test("visits per client IP end after 30 minutes without a request", async () => {
  const sessions = await run((s) => s.sessions, 15_000);
  expect(sessions.sort(bySession)).toEqual(expectedSessions(HITS, CLICKSTREAM_DEFAULTS.sessionGap));
});

test("5xx rates per minute, and alerts where a rate departs from its EWMA", async () => {
  const rates = await run((s) => s.errorRates);
  expect(rates).toEqual(expectedErrorRates(HITS));
  const alerts = await run((s) => s.alerts, 12_500);
  expect(alerts).toEqual(expectedAlerts(expectedErrorRates(HITS), CLICKSTREAM_DEFAULTS.anomalies));
});
