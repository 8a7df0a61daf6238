/**
 * Test support for the apps' end-to-end tests: a local stack per test file, apps as child
 * processes (to SIGKILL), and reading back what they wrote.
 * @packageDocumentation
 */
export { type AppProcess, startApp, stopWhenDone, waitFor } from "./app-process.ts";
export { localAppEnv, putRecords, runToExit } from "./local-app.ts";
export { committedLines, deliveredLines, scanTable } from "./read-back.ts";
export { startTestStack, type TestStack } from "./test-stack.ts";
