import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { eventually } from "@eddy/core/testing";
import { type AppProcess, startApp, whileRunning } from "@eddy/local-stack/testing";
import { ensureChromium, launchChromium } from "@eddy/observability/test-support/chromium";

type Browser = Awaited<ReturnType<typeof launchChromium>>;
/** A page of playwright-core's Chromium (typed through the launcher, so the kit needs no playwright). */
export type BrowserPage = Awaited<ReturnType<Browser["context"]["newPage"]>>;

export { ensureChromium };

/** A dashboard open in headless Chromium, with the page's errors collected. */
export interface DashboardPage {
  readonly page: BrowserPage;
  /** Uncaught errors and `console.error` lines of the page: a test expects none. */
  readonly errors: readonly string[];
  /** Saves a full-page screenshot to `file` (its directory is created), for a person to look at. */
  screenshot(file: string): Promise<void>;
  close(): Promise<void>;
}

/** The dashboard's address an app printed in its banner (`--dashboard 0` picks a free port). */
export async function dashboardUrlOf(app: AppProcess, timeoutMs = 60_000): Promise<string> {
  const address = () => /dashboard (http:\/\/\S+)/.exec(app.output())?.[1];
  await eventually(
    () => address() !== undefined,
    whileRunning(app, "the app's dashboard address", timeoutMs),
  );
  return address()!;
}

/**
 * Opens `url` in a fresh headless Chromium (Debian's, see `ensureChromium`). Waits for conditions
 * get `timeoutMs` each: generous, for a machine busy with other work.
 */
export async function openDashboard(url: string, timeoutMs = 90_000): Promise<DashboardPage> {
  const browser = await launchChromium();
  try {
    const page = await browser.context.newPage();
    page.setDefaultTimeout(timeoutMs);
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(String(error)));
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    await page.goto(url);
    return {
      page,
      errors,
      async screenshot(file) {
        await mkdir(dirname(file), { recursive: true });
        // Flowing edges of the graph animate for ever: a screenshot stops them rather than waiting.
        await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
      },
      close: () => browser.close(),
    };
  } catch (error) {
    await browser.close();
    throw error;
  }
}

/** An app started with its dashboard open in Chromium (see {@link appWithDashboard}). */
export interface AppWithDashboard {
  readonly app: AppProcess;
  readonly dashboard: DashboardPage;
}

/**
 * The life of a browser test of an app: `setUp` (in `beforeAll`) installs Chromium when missing
 * and makes a directory of the run's own; `start` runs the app's `main` as a user does, in
 * embedded mode with `--dashboard 0`, its checkpoints and files in that directory, and opens the
 * page; `tearDown` (in `afterAll`) closes the page, kills the app if it still runs, and removes the
 * directory.
 */
export function appWithDashboard(name: string) {
  let directory: string | undefined;
  let started: Partial<AppWithDashboard> = {};
  return {
    async setUp(): Promise<void> {
      ensureChromium();
      directory = await mkdtemp(join(tmpdir(), `eddy-${name}-dashboard-`));
    },
    async start(main: string, args: readonly string[] = []): Promise<AppWithDashboard> {
      if (directory === undefined) throw new Error("appWithDashboard: start before setUp");
      const app = startApp(main, {}, [
        ...["--dashboard", "0", "--progress", "off"],
        ...["--checkpoints", join(directory, "checkpoints"), "--out", join(directory, "out")],
        ...args,
      ]);
      started = { app };
      const dashboard = await openDashboard(await dashboardUrlOf(app));
      started = { app, dashboard };
      return { app, dashboard };
    },
    async tearDown(): Promise<void> {
      await started.dashboard?.close();
      await started.app?.stop("SIGKILL");
      if (directory !== undefined) await rm(directory, { recursive: true, force: true });
    },
  };
}
