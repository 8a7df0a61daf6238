/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Functions given to page.evaluate and waitForFunction run in the browser, on its DOM.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { appWithDashboard, type BrowserPage } from "@eddy/app-kit/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { CLICKSTREAM_VIEW_IDS } from "./dashboard-views.ts";

// The app as a user runs it (`--dashboard`, embedded mode), its page in a real headless Chromium:
// the leaderboard and the 5xx chart appear, fill with data and move on while the job runs.

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
/** Screenshots land here (gitignored), for a person to look at after the run. */
const ARTIFACTS = fileURLToPath(new URL("../artifacts/", import.meta.url));

const run = appWithDashboard("clickstream");
// Installing Chromium with apt takes minutes on a fresh machine.
beforeAll(() => run.setUp(), 900_000);
afterAll(() => run.tearDown());

/** The figures the test watches, read from the page. */
function figures(page: BrowserPage) {
  return page.evaluate((ids) => {
    const top = document.querySelector(`[data-view="${ids.topPages}"]`);
    const errors = document.querySelector(`[data-view="${ids.errorRate}"]`);
    return {
      rows: Number(top?.querySelector("[data-rows]")?.getAttribute("data-rows") ?? 0),
      pages: [...(top?.querySelectorAll("tr") ?? [])].slice(1).map((tr) => tr.children[1]?.textContent ?? ""),
      hits: [...(top?.querySelectorAll("tr") ?? [])]
        .slice(1)
        .map((tr) => Number(tr.children[2]?.textContent?.replaceAll(",", ""))),
      points: Number(errors?.querySelector("[data-points]")?.getAttribute("data-points") ?? 0),
      markers: Number(errors?.querySelector(".alerts")?.getAttribute("data-markers") ?? 0),
      alert: errors?.querySelector(".alert-row .label")?.textContent ?? "",
    };
  }, CLICKSTREAM_VIEW_IDS);
}

test("the clickstream app serves its views on the dashboard: top pages, 5xx rate with alerts", async () => {
  // Embedded mode as `npm run demo:clickstream` runs it, 2.5 minutes of traffic a second so the
  // first incident (about 35 minutes in) comes soon; where checkpoints and files go is the test's.
  const { app, dashboard } = await run.start(MAIN, ["--rate", "3000"]);
  const { page } = dashboard;

  // The first minutes close: a full leaderboard, and the 5xx rate of each minute.
  await page.waitForFunction(
    (ids) =>
      Number(
        document.querySelector(`[data-view="${ids.topPages}"] [data-rows]`)?.getAttribute("data-rows"),
      ) === 10 &&
      Number(
        document.querySelector(`[data-view="${ids.errorRate}"] [data-points]`)?.getAttribute("data-points"),
      ) >= 2,
    CLICKSTREAM_VIEW_IDS,
  );
  const before = await figures(page);
  expect(before.rows).toBe(10);
  expect(before.pages[0]).toBe("/");
  // Ranked by hits, busiest first.
  expect(before.hits).toEqual([...before.hits].sort((a, b) => b - a));
  expect(before.hits.every((h) => h > 0)).toBe(true);

  // The job goes on: a point per minute, and an incident's minutes marked as alerts.
  await page.waitForFunction(
    ({ ids, points }) =>
      Number(
        document.querySelector(`[data-view="${ids.errorRate}"] [data-points]`)?.getAttribute("data-points"),
      ) >
        points + 5 &&
      Number(
        document.querySelector(`[data-view="${ids.errorRate}"] .alerts`)?.getAttribute("data-markers"),
      ) >= 1,
    { ids: CLICKSTREAM_VIEW_IDS, points: before.points },
  );
  const after = await figures(page);
  expect(after.points).toBeGreaterThan(before.points + 5);
  expect(after.markers).toBeGreaterThanOrEqual(1);
  expect(after.alert).toMatch(/^5xx \d+\.\d% \(\d+\.\d σ above \d+\.\d%\)$/);
  expect(after.rows).toBe(10);
  expect(after.hits).not.toEqual(before.hits);

  await dashboard.screenshot(join(ARTIFACTS, "dashboard.png"));
  expect(dashboard.errors).toEqual([]);
  // Ctrl-C's path: a savepoint, and a clean exit with the dashboard closed.
  expect(await app.stop("SIGTERM"), app.output()).toBe(0);
}, 240_000);
