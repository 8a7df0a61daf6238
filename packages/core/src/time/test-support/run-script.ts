import { spawn } from "node:child_process";

/** How a script run by {@link runScript} ended, and what it wrote. */
export interface ScriptRun {
  /** The exit code (`null` when a signal ended it). */
  readonly code: number | null;
  /** Its standard output, trimmed. */
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a TypeScript script in a fresh Node process (through tsx) to its end. The tests of the
 * system clock's unref'd timers need a process of their own: what they check is whether Node
 * exits early (code 13, an unsettled top-level await) when nothing else holds it open.
 */
export async function runScript(path: string, args: readonly string[] = []): Promise<ScriptRun> {
  const child = spawn(process.execPath, ["--import", "tsx", path, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  return { code, stdout: stdout.trim(), stderr };
}
