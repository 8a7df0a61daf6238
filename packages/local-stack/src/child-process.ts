import { type ChildProcess, spawn } from "node:child_process";
import { waitForPort } from "./ports.ts";

/** A server running as a child process of this one. */
export interface ChildServer {
  readonly process: ChildProcess;
  /** The last lines it wrote, for error messages. */
  readonly output: () => string;
  /** SIGTERM, then SIGKILL if it has not exited after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `command` and resolves once it accepts connections on `port`. Its output is kept (the
 * last 8 KiB) and shown if it fails to start, so a broken stand-in says why.
 */
export async function startChildServer(
  name: string,
  command: string,
  args: readonly string[],
  options: { port: number; env?: NodeJS.ProcessEnv; startTimeoutMs?: number; cwd?: string },
): Promise<ChildServer> {
  const child = spawn(command, args, {
    env: { ...process.env, ...options.env },
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-8192);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exited = false;
  const exit = new Promise<void>((resolve) => {
    child.once("exit", () => {
      exited = true;
      resolve();
    });
    child.once("error", (error) => {
      exited = true;
      output += `\n${String(error)}`;
      resolve();
    });
  });
  const server: ChildServer = {
    process: child,
    output: () => output,
    async stop(graceMs = 3_000) {
      if (exited) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => {
        if (!exited) child.kill("SIGKILL");
      }, graceMs);
      await exit;
      clearTimeout(timer);
    },
  };
  try {
    await waitForPort(options.port, options.startTimeoutMs ?? 20_000, () => !exited);
  } catch (error) {
    await server.stop(500);
    throw new Error(`${name} did not start: ${(error as Error).message}\n${output}`);
  }
  return server;
}
