/**
 * Test support on the stand-ins: a local stack per test file with its stack file
 * ({@link startTestStack}), and commands run as child processes that a test can SIGKILL
 * ({@link startApp}).
 * @packageDocumentation
 */
export { type AppProcess, startApp, stopWhenDone, whileRunning } from "./app-process.ts";
export { startTestStack, type TestStack } from "./test-stack.ts";
