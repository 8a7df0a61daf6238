import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const SCRIPT = fileURLToPath(new URL("test-support/sleep-script.ts", import.meta.url));

test("a script awaiting sleep on the system clock, with nothing else to do, waits and exits 0", async () => {
  // The clock's timers are unref'd: without sleep holding the process open, Node exits with code
  // 13 (an unsettled top-level await) before the sleep ends.
  const child = spawn(process.execPath, ["--import", "tsx", SCRIPT], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: "slept", stderr: "" });
});
