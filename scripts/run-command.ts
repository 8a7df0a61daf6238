import { spawn } from "node:child_process";

/** Runs a command to completion and resolves with its stdout; rejects with everything it printed. */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { readonly cwd: string; readonly env?: NodeJS.ProcessEnv } = { cwd: process.cwd() },
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) resolve(stdout);
      else {
        const shown = [command, ...args].join(" ");
        reject(new Error(`${shown} (in ${options.cwd}) exited with ${code}:\n${stdout}${stderr}`));
      }
    });
  });
}

/** Runs the workspace's pinned pnpm (see scripts/pnpm.mjs). */
export function runPnpm(root: string, args: readonly string[], cwd = root): Promise<string> {
  return runCommand(process.execPath, [`${root}/scripts/pnpm.mjs`, ...args], { cwd });
}
