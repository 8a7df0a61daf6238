import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { runScript } from "../time/test-support/run-script.ts";

const PACED_JOB = fileURLToPath(new URL("test-support/paced-job.ts", import.meta.url));

test("a script whose job waits only on the clock (a paced source) runs to its end and exits", async () => {
  // The clock's timers are unref'd; without the running job holding the process open, Node exits
  // (code 13, an unsettled top-level await) after the first paced record.
  expect(await runScript(PACED_JOB, ["40"])).toEqual({ code: 0, stdout: "done 40", stderr: "" });
});
