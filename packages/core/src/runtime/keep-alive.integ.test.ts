import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";

const PACED_JOB = fileURLToPath(new URL("test-support/paced-job.ts", import.meta.url));

test("a script whose job waits only on the clock (a paced source) runs to its end and exits", async () => {
  // The clock's timers are unref'd; without the running job holding the process open, Node exits
  // (code 13, an unsettled top-level await) after the first paced record.
  const child = spawn(process.execPath, ["--import", "tsx", PACED_JOB, "40"], {
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
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect({ code, stdout: stdout.trim(), stderr }).toEqual({ code: 0, stdout: "done 40", stderr: "" });
});
