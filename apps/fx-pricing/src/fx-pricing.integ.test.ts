import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { DeadLetter } from "@eddy/app-kit";
import {
  type AppProcess,
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
import { FX_PRICING_DEFAULTS, type FxBar, type FxRow } from "./fx-pricing.ts";
import { FX_TICK_DEFAULTS, type FxTick, fxTicks, SYMBOLS } from "./fx-tick.ts";
import type { PriceMoveAlert } from "./price-move-alerts.ts";
import { byAlert, byBar, expectedAlerts, expectedBars, expectedRows } from "./test-support/reference.ts";

// End to end against a local stack of the test's own: the producer writes ticks to Kinesis, the
// app (a child process, as a user runs it) reads them and writes DynamoDB, S3 through Firehose and
// JSON-lines files. One run is SIGKILLed halfway and restarted; both must end with what the plain
// computation of the query says.

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const PRODUCER = fileURLToPath(new URL("./producer.ts", import.meta.url));
const SEED = 7;
const TICKS = 20_000; // 83 minutes of event time: the one-hour frames fill and slide
const HALF = 10_000;
const tickAt = fxTicks({ ...FX_TICK_DEFAULTS, seed: SEED });
const INPUT: FxTick[] = Array.from({ length: TICKS }, (_, i) => tickAt(i));

let stack: TestStack;
let stream: string;

beforeAll(async () => {
  stack = await startTestStack();
  stream = stack.unique("fx-ticks");
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

/** The settings of one app instance: its own job name, table, delivery stream and output directory. */
function appEnv(name: string): Record<string, string> {
  return {
    ...localAppEnv(stack, name),
    FX_STREAM: stream,
    FX_TABLE: `${name}-latest`,
    FX_DELIVERY_STREAM: `${name}-archive`,
  };
}

async function produce(ticks: number): Promise<void> {
  const env = { FX_STREAM: stream, FX_SEED: String(SEED), FX_TICKS: String(ticks), FX_RATE: "max" };
  const { code, output } = await runToExit(PRODUCER, stack, env);
  expect(code, output).toBe(0);
}

/** Records the producer cannot write: not JSON, and a tick whose price is a string. */
async function produceMalformed(): Promise<void> {
  const last = INPUT.at(-1)!.timestamp;
  await putRecords(stack, stream, [
    { data: "{ not json", partitionKey: "EURUSD" },
    {
      data: JSON.stringify({ symbol: "EURUSD", price: "1.1", ask: 1, bid: 1, timestamp: last }),
      partitionKey: "EURUSD",
    },
    // Time moves on: a tick per symbol an hour later, so the watermark passes every tick above
    // (their rows come out, every minute closes). The job does not emit these ticks' own rows.
    ...Object.keys(SYMBOLS).map((symbol) => ({
      data: JSON.stringify({ symbol, price: 1, ask: 1, bid: 1, timestamp: last + 3_600 }),
      partitionKey: symbol,
    })),
  ]);
}

/** What an app instance has written. */
interface Outputs {
  readonly latest: FxRow[];
  readonly rows: FxRow[];
  readonly bars: FxBar[];
  readonly alerts: PriceMoveAlert[];
  readonly deadLetters: DeadLetter[];
}

async function outputsOf(name: string, withRows = true): Promise<Outputs> {
  const env = appEnv(name);
  const latest = (await scanTable(stack, env.FX_TABLE!)) as unknown as FxRow[];
  return {
    latest: latest.sort((a, b) => a.symbol.localeCompare(b.symbol)),
    rows: withRows ? await deliveredLines<FxRow>(stack, `fx-pricing/${env.FX_DELIVERY_STREAM}/`) : [],
    bars: (await committedLines<FxBar>(join(env.EDDY_OUT!, "bars"))).sort(byBar),
    alerts: (await committedLines<PriceMoveAlert>(join(env.EDDY_OUT!, "alerts"))).sort(byAlert),
    deadLetters: await committedLines<DeadLetter>(join(env.EDDY_OUT!, "dead-letters")),
  };
}

const expectedByRows = expectedRows(INPUT);
const EXPECTED = {
  latest: [...expectedByRows.values()]
    .map((rows) => rows.at(-1)!)
    .sort((a, b) => a.symbol.localeCompare(b.symbol)),
  bars: expectedBars(INPUT),
  alerts: expectedAlerts(INPUT, FX_PRICING_DEFAULTS.alertThreshold, FX_PRICING_DEFAULTS.alertWithin),
};

/** Rows equal to the reference's; the mean to 1e-12 of itself (the reference adds floating-point prices). */
function expectSameRows(actual: readonly FxRow[], expected: readonly FxRow[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const { avgPrice, ...exact } = expected[i]!;
    const { avgPrice: gotAvg, ...gotExact } = actual[i]!;
    expect(gotExact).toEqual(exact);
    expect(Math.abs(gotAvg - avgPrice) / avgPrice).toBeLessThan(1e-12);
  }
}

/** Rows in one order whatever order Firehose objects were read in: by symbol, time, then values. */
function inRowOrder(rows: readonly FxRow[]): FxRow[] {
  const fields = ["timestamp", "previousPrice", "price", "minPrice", "maxPrice", "avgPrice"] as const;
  return [...rows].sort((a, b) => {
    if (a.symbol !== b.symbol) return a.symbol < b.symbol ? -1 : 1;
    for (const field of fields) if (a[field] !== b[field]) return a[field] - b[field];
    return 0;
  });
}

/** Every tick's row, bar, alert and dead letter has been written (files are committed at checkpoints). */
async function complete(name: string): Promise<boolean> {
  const out = await outputsOf(name, false);
  if (out.bars.length < EXPECTED.bars.length || out.alerts.length < EXPECTED.alerts.length) return false;
  if (out.deadLetters.length < 2 || out.latest.length < EXPECTED.latest.length) return false;
  return out.latest.every((row, i) => row.timestamp === EXPECTED.latest[i]!.timestamp);
}

async function runToCompletion(app: AppProcess, name: string): Promise<void> {
  expect(
    await stopWhenDone(app, () => complete(name), `${name} to write every output`, 60_000),
    app.output(),
  ).toBe(0);
}

function expectCorrect(out: Outputs): void {
  expectSameRows(out.latest, EXPECTED.latest);
  expect(out.bars).toEqual(EXPECTED.bars);
  expect(out.alerts).toEqual(EXPECTED.alerts);
  expect(EXPECTED.alerts.length).toBeGreaterThan(3);
  expect(out.deadLetters.map((d) => d.reason).sort()).toEqual([
    expect.stringMatching(/^decode: .*JSON/),
    expect.stringMatching(/^decode: .*price must be a finite number, got "1.1"/),
  ]);
}

let uninterrupted: Outputs;

test("a run SIGKILLed halfway and restarted ends with the query's rows, and so does an uninterrupted run", async () => {
  // The crash run starts while only half of the ticks are in the stream, so it is killed mid-run.
  await produce(HALF);
  const crashed = startApp(MAIN, appEnv("fx-crash"));
  const store = redisCheckpoints(stack.endpoints.redis);
  try {
    await eventually(
      async () =>
        (await store.checkpoints("fx-crash")).length > 0 &&
        (await committedLines(join(appEnv("fx-crash").EDDY_OUT!, "bars"))).length > 100,
      whileRunning(crashed, "a checkpoint and the first bars", 60_000),
    );
  } finally {
    await store.close();
  }
  expect(await crashed.stop("SIGKILL")).toBe("SIGKILL");
  const beforeCrash = await outputsOf("fx-crash", false);
  expect(beforeCrash.bars.length).toBeLessThan(EXPECTED.bars.length / 2 + 10);

  // The producer resumes from its own checkpoint with the second half; then time moves on.
  await produce(TICKS);
  await produceMalformed();
  const restarted = startApp(MAIN, appEnv("fx-crash"));
  await runToCompletion(restarted, "fx-crash");
  expect(restarted.output()).toMatch(/resuming from checkpoint \d+/);
  const afterCrash = await outputsOf("fx-crash");

  // An uninterrupted run of the whole stream. (One app at a time: the machine is shared.)
  const plain = startApp(MAIN, appEnv("fx-plain"));
  await runToCompletion(plain, "fx-plain");
  uninterrupted = await outputsOf("fx-plain");

  // The uninterrupted run: exactly the expected rows (each once), bars, alerts and dead letters.
  expectCorrect(uninterrupted);
  expectSameRows(inRowOrder(uninterrupted.rows), inRowOrder([...expectedByRows.values()].flat()));

  // The crashed run: the same DynamoDB items and files, exactly; Firehose is at-least-once, so S3
  // holds every row, some of those after the last checkpoint twice.
  expectCorrect(afterCrash);
  expect(afterCrash.latest).toEqual(uninterrupted.latest);
  expect(afterCrash.bars).toEqual(uninterrupted.bars);
  expect(afterCrash.alerts).toEqual(uninterrupted.alerts);
  const distinct = (rows: readonly FxRow[]) => new Set(rows.map((r) => JSON.stringify(r)));
  expect(distinct(afterCrash.rows)).toEqual(distinct(uninterrupted.rows));
  expect(afterCrash.rows.length).toBeGreaterThanOrEqual(uninterrupted.rows.length);
}, 240_000);
