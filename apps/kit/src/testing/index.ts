/**
 * Test support for the apps' end-to-end tests: a local stack per test file, apps as child
 * processes (to SIGKILL), reading back what they wrote, and their dashboard in headless Chromium.
 * @packageDocumentation
 */
export {
  type AppProcess,
  startApp,
  startTestStack,
  stopWhenDone,
  type TestStack,
  whileRunning,
} from "@eddy/local-stack/testing";
export {
  type AppWithDashboard,
  appWithDashboard,
  type BrowserPage,
  type DashboardPage,
  dashboardUrlOf,
  ensureChromium,
  openDashboard,
} from "./dashboard-page.ts";
export { localAppEnv, putRecords, runToExit } from "./local-app.ts";
export { committedLines, deliveredLines, scanTable } from "./read-back.ts";
export {
  createAppResources,
  printedPolicy,
  type RecordedRunOptions,
  type RecordedStack,
  recordedRun,
  recordedStack,
} from "./recorded-stack.ts";
