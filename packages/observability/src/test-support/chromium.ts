import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium } from "playwright-core";

/** Debian's Chromium, or the browser named by `EDDY_CHROMIUM`. */
export const CHROMIUM_PATH = process.env.EDDY_CHROMIUM ?? "/usr/bin/chromium";

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/**
 * Makes sure Chromium is installed: as root it installs Debian's `chromium` with apt (updating
 * the package lists first if the install fails); otherwise it fails with how to install it.
 * Playwright's own browser download cannot work here (no internet beyond the package mirrors).
 */
export function ensureChromium(): string {
  if (existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const how = `install it with "apt-get update && apt-get install -y chromium" as root, or set EDDY_CHROMIUM to a Chromium binary`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Chromium is missing at ${CHROMIUM_PATH} and this is not root: ${how}`);
  }
  const apt = (...args: string[]) =>
    spawnSync("apt-get", args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    }).status === 0;
  if (!apt("install", "-y", "chromium")) {
    if (!apt("update") || !apt("install", "-y", "chromium")) {
      throw new Error(`Chromium is missing at ${CHROMIUM_PATH} and apt-get could not install it: ${how}`);
    }
  }
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`apt-get installed chromium, but ${CHROMIUM_PATH} does not exist: ${how}`);
  }
  return CHROMIUM_PATH;
}

/** Headless Chromium with a fresh profile, removed on close. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const executablePath = ensureChromium();
  const profile = await mkdtemp(join(tmpdir(), "eddy-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1600, height: 1000 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
