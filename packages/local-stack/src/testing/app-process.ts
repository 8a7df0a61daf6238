import { type ChildProcess, spawn } from "node:child_process";
import { type EventuallyOptions, eventually } from "@eddy/core/testing";

/** An app (or producer) running as a child process, so a test can SIGKILL it. */
export interface AppProcess {
  readonly child: ChildProcess;
  /** Everything it wrote to stdout and stderr so far. */
  output(): string;
  /** Its exit code (or the signal that ended it). */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** Sends `signal` and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<number | NodeJS.Signals>;
}

const running = new Set<ChildProcess>();
// A test that fails or times out must not leave apps behind.
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

/**
 * Runs `node --import tsx <script> ...args` with `env` added to this process's environment (no
 * colours), keeping its output for assertions and error messages.
 */
export function startApp(
  script: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): AppProcess {
  const child = spawn(process.execPath, ["--import", import.meta.resolve("tsx"), script, ...args], {
    env: { ...process.env, NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.add(child);
  let output = "";
  const keep = (chunk: Buffer) => {
    output += chunk.toString("utf8");
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once("exit", (code, signal) => {
      running.delete(child);
      resolve(code ?? signal ?? -1);
    });
  });
  return {
    child,
    output: () => output,
    exited,
    stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Options for `eventually` while `app` runs: checks every 200 ms and, if the wait times out, shows
 * the end of the app's output, which usually says why.
 */
export function whileRunning(app: AppProcess, what: string, timeoutMs: number): EventuallyOptions {
  return { what, timeoutMs, intervalMs: 200, details: () => app.output().slice(-4000) };
}

/**
 * Waits until `done` holds (the app has written everything a test expects), then stops the app
 * with SIGTERM (a final savepoint) and returns its exit code.
 */
export async function stopWhenDone(
  app: AppProcess,
  done: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
): Promise<number | NodeJS.Signals> {
  await eventually(done, whileRunning(app, what, timeoutMs));
  return app.stop("SIGTERM");
}
