import type { DataStream } from "@eddy/core";
import { createTestHarness } from "@eddy/core/testing";
import { describe, expect, test } from "vitest";
import { type FxRow, fxPricing } from "./fx-pricing.ts";
import { FX_TICK_DEFAULTS, type FxTick, fxTicks } from "./fx-tick.ts";
import { expectRowsEqual, rowsBySymbol, eurusdTick as tick } from "./test-support/rows.ts";

// 70 minutes of ticks (the one-hour frames fill and slide), up to 3 s out of order.
const tickAt = fxTicks({ ...FX_TICK_DEFAULTS, seed: 7 });
const TICKS: FxTick[] = Array.from({ length: 16_800 }, (_, i) => tickAt(i));

/** The job's rows with `query`, per symbol in emission order, from the same ticks and watermarks. */
async function rowsOf(query: "typed" | "sql", ticks: readonly FxTick[]): Promise<Map<string, FxRow[]>> {
  const harness = createTestHarness((input: DataStream<FxTick>) => fxPricing(input, { query }).rows);
  for (let i = 0; i < ticks.length; i += 250) {
    await harness.processElements(
      ticks.slice(i, i + 250).map((t) => ({ value: t, timestamp: t.timestamp * 1000 })),
    );
  }
  await harness.endInput();
  return rowsBySymbol(harness.values());
}

describe("the seed FX query run from its SQL text (--sql)", () => {
  test("gives the typed pipeline's rows on the same ticks", async () => {
    // Every field identical but the hour's average, which may differ in its last bits: the typed
    // pipeline averages whole ten-thousandths (exact), SQL's AVG keeps a compensated running sum
    // of the DOUBLE prices.
    expectRowsEqual(await rowsOf("sql", TICKS), await rowsOf("typed", TICKS));
  });

  test("a late tick is an error_stream row (LATE_ROW) among the dead letters, not a row", async () => {
    const harness = createTestHarness((input: DataStream<FxTick>) => {
      const streams = fxPricing(input, { query: "sql" });
      return streams.rows
        .map((row) => `row ${row.price}`)
        .union(
          streams.queryDeadLetters.map((letter) => `dead ${letter.reason.split(":")[0]} ${letter.record}`),
        );
    });
    await harness.processElements(
      [tick(1_000, 1.1), tick(1_010, 1.2)].map((t) => ({ value: t, timestamp: 0 })),
    );
    await harness.processElement(tick(1_001, 9.9), 0); // 9 s behind the newest: past the 5 s bound
    await harness.endInput();
    expect(harness.values().sort()).toEqual([
      'dead LATE_ROW {"symbol":"EURUSD","timestamp":1001,"price":9.9}',
      "row 1.1",
      "row 1.2",
    ]);
  });
});
