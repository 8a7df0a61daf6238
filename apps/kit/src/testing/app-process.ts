import { type ChildProcess, spawn } from "node:child_process";

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

/** Polls `condition` every 200 ms until it holds; after `timeoutMs` throws naming `what` (and `context()`). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs: number,
  context: () => string = () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${context().slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
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
  await waitFor(done, what, timeoutMs, app.output);
  return app.stop("SIGTERM");
}
