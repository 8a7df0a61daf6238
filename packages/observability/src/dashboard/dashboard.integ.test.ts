/// <reference lib="dom" />
// Functions given to page.evaluate and waitForFunction run in the browser, on its DOM.
import { mkdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startDemo } from "../../examples/dashboard-demo.ts";
import { ensureChromium, launchChromium } from "../test-support/chromium.ts";

/** Screenshots land here (gitignored), for a person to look at after the run. */
const ARTIFACTS = fileURLToPath(new URL("../../artifacts/", import.meta.url));

let browser: Awaited<ReturnType<typeof launchChromium>> | undefined;
let demo: Awaited<ReturnType<typeof startDemo>> | undefined;

beforeAll(() => {
  // Installing Chromium with apt takes minutes on a fresh machine.
  ensureChromium();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await demo?.job.stop();
  await demo?.running;
  await demo?.dashboard.close();
});

/** The figures the test watches, read from the page. */
async function figures(page: Page) {
  return page.evaluate(() => {
    const text = (selector: string) => document.querySelector(selector)?.textContent ?? "";
    const number = (selector: string, attribute: string) =>
      Number(document.querySelector(selector)?.getAttribute(attribute) ?? Number.NaN);
    return {
      updates: Number(document.body.dataset.updates ?? 0),
      nodes: document.querySelectorAll("[data-node]").length,
      sourceToValidate: text('[data-edge-rate="fx-ticks->validate"]'),
      inRate: text('[data-kpi="in-rate"]'),
      uptime: text('[data-kpi="uptime"]'),
      checkpoints: Number(text('[data-kpi="checkpoints-completed"]')),
      eventTime: text('[data-node="event-time"] [data-line="1"]'),
      throughputPoints: number("#throughput", "data-points"),
      tiles: document.querySelectorAll('[data-view="price-per-symbol"] .tile').length,
      pricePoints: number('[data-view="price-per-symbol"] .grid-tiles', "data-points"),
      leaderboardRows: number('[data-view="most-volatile-symbols-10-s"] [data-rows]', "data-rows"),
      canvases: document.querySelectorAll("canvas").length,
    };
  });
}

describe("the dashboard in a real browser", () => {
  test("shows the job graph and figures, and they change while the job runs", async () => {
    demo = await startDemo({ port: 0, ratePerSecond: 2_000, refreshEvery: 250, progress: false });
    browser = await launchChromium();
    const page = await browser.context.newPage();
    // Generous: the machine may be busy with other work.
    page.setDefaultTimeout(90_000);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(demo.dashboard.url);

    const nodes = demo.job.describe().nodes.length;
    await page.waitForFunction((n) => document.querySelectorAll("[data-node]").length === n, nodes);
    // Wait until records flow on the first edge and a checkpoint is done.
    await page.waitForFunction(() => {
      const rate = document.querySelector('[data-edge-rate="fx-ticks->validate"]')?.textContent ?? "";
      const done = Number(document.querySelector('[data-kpi="checkpoints-completed"]')?.textContent ?? 0);
      return /^[\d.]+K?\/s$/.test(rate) && rate !== "0/s" && done >= 1;
    });
    const before = await figures(page);
    expect(before.nodes).toBe(nodes);
    expect(before.inRate).toMatch(/^[\d.]+K?\/s$/);
    expect(before.eventTime).toMatch(/^wm \d\d:\d\d:\d\d\.\d{3}Z · lag /);
    expect(before.tiles).toBe(6);
    expect(before.canvases).toBeGreaterThan(8);

    // Checkpoints every 2 s, refreshes every 250 ms: 3 s later everything has moved on.
    await page.waitForTimeout(3_000);
    await page.waitForFunction(
      (n) => Number(document.querySelector('[data-kpi="checkpoints-completed"]')?.textContent ?? 0) > n,
      before.checkpoints,
    );
    const after = await figures(page);
    expect(after.updates).toBeGreaterThan(before.updates + 5);
    expect(after.uptime).not.toBe(before.uptime);
    expect(after.eventTime).not.toBe(before.eventTime);
    expect(after.checkpoints).toBeGreaterThan(before.checkpoints);
    expect(after.throughputPoints).toBeGreaterThan(before.throughputPoints);
    expect(after.pricePoints).toBeGreaterThan(before.pricePoints);
    expect(after.sourceToValidate).toMatch(/^[\d.]+K?\/s$/);
    // The leaderboard fills as ten-second windows close: on a busy machine the first one to close
    // may hold only some symbols, the next ones hold all six.
    await page.waitForFunction(
      () =>
        document
          .querySelector('[data-view="most-volatile-symbols-10-s"] [data-rows]')
          ?.getAttribute("data-rows") === "6",
    );
    expect((await figures(page)).leaderboardRows).toBe(6);

    await mkdir(ARTIFACTS, { recursive: true });
    // Flowing edges animate for ever: a screenshot stops them rather than waiting on them.
    await page.screenshot({ path: `${ARTIFACTS}dashboard.png`, fullPage: true, animations: "disabled" });
    expect(errors).toEqual([]);
  }, 240_000);
});
