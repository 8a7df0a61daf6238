/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Functions given to page.evaluate and waitForFunction run in the browser, on its DOM.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { appWithDashboard, type BrowserPage } from "@eddy/app-kit/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FX_VIEW_IDS } from "./dashboard-views.ts";
import { SYMBOLS } from "./fx-tick.ts";

// The app as a user runs it (`--dashboard`, embedded mode), its page in a real headless Chromium:
// the app's own views appear, fill with data and move on while the job runs.

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
/** Screenshots land here (gitignored), for a person to look at after the run. */
const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));
const SYMBOL_COUNT = Object.keys(SYMBOLS).length;

const run = appWithDashboard("fx");
// Installing Chromium with apt takes minutes on a fresh machine.
beforeAll(() => run.setUp(), 900_000);
afterAll(() => run.tearDown());

/** The figures the test watches, read from the page. */
function figures(page: BrowserPage) {
  return page.evaluate((ids) => {
    const prices = document.querySelector(`[data-view="${ids.prices}"]`);
    const bars = document.querySelector(`[data-view="${ids.bars}"]`);
    return {
      tiles: prices?.querySelectorAll(".tile").length ?? 0,
      points: Number(prices?.querySelector(".grid-tiles")?.getAttribute("data-points") ?? 0),
      markers: Number(prices?.querySelector(".alerts")?.getAttribute("data-markers") ?? 0),
      eurusd: prices?.querySelector('[data-series="EURUSD"] .tile-value')?.textContent ?? "",
      barRows: Number(bars?.querySelector("[data-rows]")?.getAttribute("data-rows") ?? 0),
      barMinutes: [...(bars?.querySelectorAll("tbody tr, tr") ?? [])].map((tr) => tr.textContent).join("|"),
    };
  }, FX_VIEW_IDS);
}

test("the FX app serves its views on the dashboard: prices with their band, alerts, bars", async () => {
  // Embedded mode as `npm run demo` runs it; only where checkpoints and files go is the test's.
  const { app, dashboard } = await run.start(MAIN);
  const { page } = dashboard;

  // Every symbol gets its tile with points, and the first one-minute bars arrive.
  await page.waitForFunction(
    ({ ids, symbols }) => {
      const prices = document.querySelector(`[data-view="${ids.prices}"]`);
      const rows = document.querySelector(`[data-view="${ids.bars}"] [data-rows]`);
      return (
        prices?.querySelectorAll(".tile").length === symbols &&
        Number(prices.querySelector(".grid-tiles")?.getAttribute("data-points")) >= symbols &&
        Number(rows?.getAttribute("data-rows")) === symbols
      );
    },
    { ids: FX_VIEW_IDS, symbols: SYMBOL_COUNT },
  );
  const before = await figures(page);
  expect(before.tiles).toBe(SYMBOL_COUNT);
  expect(before.barRows).toBe(SYMBOL_COUNT);
  expect(before.eurusd).toMatch(/^1\.\d+$/);

  // The job goes on: more points, newer bars, and a price-move alert marked on its symbol's chart
  // (the generated walks have sharp moves within the first minutes of event time).
  await page.waitForFunction(
    ({ ids, points }) =>
      Number(document.querySelector(`[data-view="${ids.prices}"] .grid-tiles`)?.getAttribute("data-points")) >
      points + 50,
    { ids: FX_VIEW_IDS, points: before.points },
  );
  await page.waitForFunction(
    (ids) =>
      Number(document.querySelector(`[data-view="${ids.prices}"] .alerts`)?.getAttribute("data-markers")) >=
      1,
    FX_VIEW_IDS,
  );
  await page.waitForFunction(
    ({ ids, seen }) => {
      const bars = document.querySelector(`[data-view="${ids.bars}"]`);
      return (
        [...(bars?.querySelectorAll("tbody tr, tr") ?? [])].map((tr) => tr.textContent).join("|") !== seen
      );
    },
    { ids: FX_VIEW_IDS, seen: before.barMinutes },
  );
  const after = await figures(page);
  expect(after.points).toBeGreaterThan(before.points);
  expect(after.markers).toBeGreaterThanOrEqual(1);
  expect(after.tiles).toBe(SYMBOL_COUNT);
  expect(
    await page.locator(`[data-view="${FX_VIEW_IDS.prices}"] .alert-row .label`).first().textContent(),
  ).toMatch(/^[▲▼] [+−]\d+\.\d\d% in \d+ s$/);

  await dashboard.screenshot(join(ARTIFACTS, "dashboard.png"));
  expect(dashboard.errors).toEqual([]);
  // Ctrl-C's path: a savepoint, and a clean exit with the dashboard closed.
  expect(await app.stop("SIGTERM"), app.output()).toBe(0);
}, 240_000);
