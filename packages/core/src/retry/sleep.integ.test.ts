import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { runScript } from "../time/test-support/run-script.ts";

const SCRIPT = fileURLToPath(new URL("test-support/sleep-script.ts", import.meta.url));

test("a script awaiting sleep on the system clock, with nothing else to do, waits and exits 0", async () => {
  // The clock's timers are unref'd: without sleep holding the process open, Node exits with code
  // 13 (an unsettled top-level await) before the sleep ends.
  expect(await runScript(SCRIPT)).toEqual({ code: 0, stdout: "slept", stderr: "" });
});
