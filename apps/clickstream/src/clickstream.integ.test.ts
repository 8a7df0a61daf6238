import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DeadLetter } from "@eddy/app-kit";
import {
  committedLines,
  deliveredLines,
  localAppEnv,
  putRecords,
  runToExit,
  scanTable,
  startApp,
  startTestStack,
  stopWhenDone,
  type TestStack,
  whileRunning,
} from "@eddy/app-kit/testing";
import { eventually } from "@eddy/core/testing";
import { redisCheckpoints } from "@eddy/state";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { Hit } from "./access-log.ts";
import { CLICKSTREAM_DEFAULTS, type Leaderboard, type PageHits, type Session } from "./clickstream.ts";
import type { ErrorRate, ErrorRateAlert } from "./error-rate-anomalies.ts";
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

// End to end against a local stack of the test's own: the producer writes log lines to Kinesis,
// the app (a child process, as a user runs it) reads them and writes DynamoDB, S3 through
// Firehose and JSON-lines files. One run is SIGKILLed halfway and restarted; both must end with
// what the plain computation says.

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const PRODUCER = fileURLToPath(new URL("./producer.ts", import.meta.url));
const SEED = 6;
const EVERY_MS = 400;
const LINES = 6_000; // 40 minutes of traffic, with incidents at minutes 11 and 31
const HALF = 3_000;
const line = accessLog({ ...ACCESS_LOG_DEFAULTS, seed: SEED, everyMs: EVERY_MS });
const INPUT = Array.from({ length: LINES }, (_, i) => line(i));
const { hits: HITS, reasons: REASONS } = parseAll(INPUT);

// Time moves on: requests two hours later from many clients (so every shard has one), so the
// watermark passes every request above: every minute closes, every visit ends. The job archives
// these requests but closes none of their windows.
const LATER = HITS.at(-1)!.time + 2 * 3_600_000;
const TAIL = Array.from({ length: 16 }, (_, i) => {
  // "Sat, 21 Nov 2026 16:40:00 GMT" in Pacific time → "21/Nov/2026:16:40:00 -0800"
  const [, day, month, year, time] = new Date(LATER - 8 * 3_600_000).toUTCString().split(" ");
  return `203.0.113.${i + 1} - - [${day}/${month}/${year}:${time} -0800] "GET / HTTP/1.1" 200 512 "-" "curl/8.4.0"`;
});

const EXPECTED = {
  pageHits: expectedPageHits(HITS),
  leaderboards: expectedLeaderboards(HITS, 10),
  sessions: expectedSessions(HITS, CLICKSTREAM_DEFAULTS.sessionGap),
  errorRates: expectedErrorRates(HITS),
  alerts: expectedAlerts(expectedErrorRates(HITS), CLICKSTREAM_DEFAULTS.anomalies),
  archive: [...HITS, ...parseAll(TAIL).hits].map((h) => JSON.stringify(h)).sort(),
};

let stack: TestStack;
let stream: string;

beforeAll(async () => {
  stack = await startTestStack();
  stream = stack.unique("clickstream-logs");
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** The settings of one app instance: its own job name, table, delivery stream and output directory. */
function appEnv(name: string): Record<string, string> {
  return {
    ...localAppEnv(stack, name),
    CLICKS_STREAM: stream,
    CLICKS_TABLE: `${name}-leaderboard`,
    CLICKS_DELIVERY_STREAM: `${name}-archive`,
  };
}

async function produce(lines: number): Promise<void> {
  const env = {
    CLICKS_STREAM: stream,
    CLICKS_SEED: String(SEED),
    CLICKS_INTERVAL: `${EVERY_MS}ms`,
    CLICKS_LINES: String(lines),
    CLICKS_RATE: "max",
  };
  const { code, output } = await runToExit(PRODUCER, stack, env);
  expect(code, output).toBe(0);
}

/** What an app instance has written. */
interface Outputs {
  readonly leaderboardItems: (Leaderboard & { minute: string })[];
  readonly archive: Hit[];
  readonly pageHits: PageHits[];
  readonly leaderboards: Leaderboard[];
  readonly sessions: Session[];
  readonly errorRates: ErrorRate[];
  readonly alerts: ErrorRateAlert[];
  readonly deadLetters: DeadLetter[];
}

async function outputsOf(name: string, withArchive = true): Promise<Outputs> {
  const env = appEnv(name);
  const files = <T>(stream: string) => committedLines<T>(join(env.EDDY_OUT!, stream));
  const items = (await scanTable(stack, env.CLICKS_TABLE!)) as unknown as Outputs["leaderboardItems"];
  return {
    leaderboardItems: items.sort((a, b) => a.start - b.start),
    archive: withArchive
      ? await deliveredLines<Hit>(stack, `clickstream/${env.CLICKS_DELIVERY_STREAM}/`)
      : [],
    pageHits: (await files<PageHits>("page-hits")).sort(byPageHits),
    leaderboards: (await files<Leaderboard>("leaderboard")).sort((a, b) => a.start - b.start),
    sessions: (await files<Session>("sessions")).sort(bySession),
    errorRates: (await files<ErrorRate>("error-rates")).sort((a, b) => a.start - b.start),
    alerts: (await files<ErrorRateAlert>("alerts")).sort((a, b) => a.start - b.start),
    deadLetters: await files<DeadLetter>("dead-letters"),
  };
}

async function complete(name: string): Promise<boolean> {
  const out = await outputsOf(name, false);
  return (
    out.leaderboardItems.length >= EXPECTED.leaderboards.length &&
    out.pageHits.length >= EXPECTED.pageHits.length &&
    out.sessions.length >= EXPECTED.sessions.length &&
    out.alerts.length >= EXPECTED.alerts.length &&
    out.deadLetters.length >= REASONS.length
  );
}

function expectCorrect(out: Outputs): void {
  expect(out.pageHits).toEqual(EXPECTED.pageHits);
  expect(out.leaderboards).toEqual(EXPECTED.leaderboards);
  expect(out.leaderboardItems).toEqual(
    EXPECTED.leaderboards.map((b) => ({ minute: new Date(b.start).toISOString().slice(0, 16), ...b })),
  );
  expect(out.sessions).toEqual(EXPECTED.sessions);
  expect(out.errorRates).toEqual(EXPECTED.errorRates);
  expect(out.alerts).toEqual(EXPECTED.alerts);
  expect(EXPECTED.alerts.length).toBeGreaterThan(1);
  expect(out.deadLetters.map((d) => d.reason).sort()).toEqual([...REASONS].sort());
  expect(new Set(out.archive.map((h) => JSON.stringify(h)))).toEqual(new Set(EXPECTED.archive));
}

test("a run SIGKILLed halfway and restarted ends with the expected rows, and so does an uninterrupted run", async () => {
  // The crash run starts while only half of the lines are in the stream, so it is killed mid-run.
  await produce(HALF);
  const crashed = startApp(MAIN, appEnv("clicks-crash"));
  const store = redisCheckpoints(stack.endpoints.redis);
  try {
    await eventually(
      async () =>
        (await store.checkpoints("clicks-crash")).length > 0 &&
        (await committedLines(join(appEnv("clicks-crash").EDDY_OUT!, "leaderboard"))).length > 5,
      whileRunning(crashed, "a checkpoint and the first leaderboards", 60_000),
    );
  } finally {
    await store.close();
  }
  expect(await crashed.stop("SIGKILL")).toBe("SIGKILL");
  const beforeCrash = await outputsOf("clicks-crash", false);
  expect(beforeCrash.leaderboards.length).toBeLessThan(EXPECTED.leaderboards.length / 2 + 5);

  // The producer resumes from its own checkpoint with the second half; then time moves on.
  await produce(LINES);
  await putRecords(
    stack,
    stream,
    TAIL.map((data) => ({ data, partitionKey: data.split(" ")[0]! })),
  );
  const restarted = startApp(MAIN, appEnv("clicks-crash"));
  const done = (name: string) => () => complete(name);
  const restartedExit = await stopWhenDone(restarted, done("clicks-crash"), "every output", 90_000);
  expect(restartedExit, restarted.output()).toBe(0);
  expect(restarted.output()).toMatch(/resuming from checkpoint \d+/);
  const afterCrash = await outputsOf("clicks-crash");

  // An uninterrupted run of the whole stream. (One app at a time: the machine is shared.)
  const plain = startApp(MAIN, appEnv("clicks-plain"));
  expect(await stopWhenDone(plain, done("clicks-plain"), "every output", 90_000), plain.output()).toBe(0);
  const uninterrupted = await outputsOf("clicks-plain");

  // Both runs: exactly the expected windows, leaderboard items, sessions, alerts and dead letters;
  // every request archived. Firehose is at-least-once, so the crashed run may archive some twice.
  expectCorrect(uninterrupted);
  expect(uninterrupted.archive.map((h) => JSON.stringify(h)).sort()).toEqual(EXPECTED.archive);
  expectCorrect(afterCrash);
  expect(afterCrash.archive.length).toBeGreaterThanOrEqual(EXPECTED.archive.length);
}, 300_000);
