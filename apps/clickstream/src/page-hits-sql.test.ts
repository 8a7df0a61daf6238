import type { DataStream } from "@eddy/core";
import { createTestHarness } from "@eddy/core/testing";
import { expect, test } from "vitest";
import { clickstream } from "./clickstream.ts";
import { ACCESS_LOG_DEFAULTS, accessLog } from "./log-generator.ts";
import type { PageHits } from "./page-hits.ts";
import { byPageHits } from "./test-support/reference.ts";

// 20 minutes of traffic, lines out of order within the watermark's bound, some malformed.
const line = accessLog({ ...ACCESS_LOG_DEFAULTS, seed: 11, everyMs: 200 });
const LINES = Array.from({ length: 6_000 }, (_, i) => line(i));

async function pageHits(query: "typed" | "sql"): Promise<PageHits[]> {
  const harness = createTestHarness((input: DataStream<string>) => clickstream(input, { query }).pageHits);
  for (let i = 0; i < LINES.length; i += 250) {
    await harness.processElements(LINES.slice(i, i + 250).map((value) => ({ value, timestamp: Number.NaN })));
  }
  await harness.endInput();
  return harness.values();
}

test("hits per page from the SQL of page-hits.sql (--sql) equal the typed window's", async () => {
  const typed = await pageHits("typed");
  expect(typed.length).toBeGreaterThan(100);
  // Windows of different pages close at one watermark in no particular order: compare as sets.
  expect((await pageHits("sql")).sort(byPageHits)).toEqual(typed.sort(byPageHits));
});
