import type { DataStream } from "@eddy/core";
import { createTestHarness, type TestHarness } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { FX_PRICING_DEFAULTS, type FxBar, type FxRow, fxPricing } from "./fx-pricing.ts";
import { FX_TICK_DEFAULTS, type FxTick, fxTicks } from "./fx-tick.ts";
import type { PriceMoveAlert } from "./price-move-alerts.ts";
import { byAlert, byBar, expectedAlerts, expectedBars, expectedRows } from "./test-support/reference.ts";
import { expectRowsEqual, rowsBySymbol, eurusdTick as tick } from "./test-support/rows.ts";

// 80 minutes of ticks (so the one-hour frames fill and slide), arriving up to 3 s out of order,
// with jumps often enough to alert.
const tickAt = fxTicks({ ...FX_TICK_DEFAULTS, seed: 42, shockProbability: 0.004 });
const TICKS: FxTick[] = Array.from({ length: 19_200 }, (_, i) => tickAt(i));

/** Feeds the ticks in batches of 100 (a watermark after each), restoring from a checkpoint halfway if asked. */
async function run<T>(harness: TestHarness<FxTick, T>, restoreAt?: number): Promise<T[]> {
  for (let i = 0; i < TICKS.length; i += 100) {
    if (restoreAt !== undefined && i === restoreAt) await harness.snapshotAndRestore();
    await harness.processElements(
      TICKS.slice(i, i + 100).map((t) => ({ value: t, timestamp: t.timestamp * 1000 })),
    );
  }
  await harness.endInput();
  return harness.values();
}

describe("fxPricing on 80 minutes of out-of-order ticks", () => {
  test("the input has what the test needs: disorder within a symbol, a full hour, alerts", () => {
    const xauusd = TICKS.filter((t) => t.symbol === "XAUUSD").map((t) => t.timestamp);
    expect(xauusd.filter((ts, i) => i > 0 && ts < xauusd[i - 1]!).length).toBeGreaterThan(20);
    expect(TICKS.at(-1)!.timestamp - TICKS[0]!.timestamp).toBeGreaterThan(4_500);
    const { alertThreshold, alertWithin } = FX_PRICING_DEFAULTS;
    expect(expectedAlerts(TICKS, alertThreshold, alertWithin).length).toBeGreaterThan(5);
  });

  test("rows are the Kinesis Data Analytics query's, computed independently", async () => {
    const rows = await run(createTestHarness((input) => fxPricing(input).rows));
    expect(rows).toHaveLength(TICKS.length);
    expectRowsEqual(rowsBySymbol(rows), expectedRows(TICKS));
  });

  test("rows are the same when the job restores from a checkpoint halfway", async () => {
    const rows = await run(
      createTestHarness((input) => fxPricing(input).rows),
      9_600,
    );
    expectRowsEqual(rowsBySymbol(rows), expectedRows(TICKS));
  });

  test("one-minute bars open and close by event time", async () => {
    const bars: FxBar[] = await run(
      createTestHarness((input) => fxPricing(input).bars),
      4_000,
    );
    expect(bars.sort(byBar)).toEqual(expectedBars(TICKS));
  });

  test("alerts fire on moves of the threshold within the window, judged in event-time order", async () => {
    const options = { alertThreshold: 0.004, alertWithin: 45_000 };
    const alerts: PriceMoveAlert[] = await run(
      createTestHarness((input) => fxPricing(input, options).alerts),
      12_000,
    );
    const expected = expectedAlerts(TICKS, options.alertThreshold, options.alertWithin);
    expect(expected.length).toBeGreaterThan(5);
    expect(alerts.sort(byAlert)).toEqual(expected);
  });
});

test("a tick older than the watermark goes to lateTicks, not into the rows", async () => {
  type Out = { row: FxRow } | { late: FxTick };
  const harness = createTestHarness((input: DataStream<FxTick>) => {
    const streams = fxPricing(input);
    return streams.rows
      .map((row): Out => ({ row }))
      .union(streams.lateTicks!.map((tick): Out => ({ late: tick })));
  });
  await harness.processElements(
    [tick(1_000, 1.1), tick(1_010, 1.2)].map((t) => ({ value: t, timestamp: 0 })),
  );
  await harness.processElement(tick(1_001, 9.9), 0); // 9 s behind the newest: past the 5 s bound
  await harness.endInput();
  const out = harness.values();
  expect(out.filter((o) => "late" in o)).toEqual([{ late: tick(1_001, 9.9) }]);
  expect(out.flatMap((o) => ("row" in o ? [o.row.price] : []))).toEqual([1.1, 1.2]);
});
