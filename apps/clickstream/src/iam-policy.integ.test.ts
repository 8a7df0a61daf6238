import { readSettings } from "@eddy/app-kit";
import { deliveredLines, recordedRun, scanTable } from "@eddy/app-kit/testing";
import { checkPolicy } from "@eddy/core";
import { expect, test } from "vitest";
import { CLICKSTREAM_SETTINGS } from "./clickstream-settings.ts";
import { clickstreamResources } from "./job.ts";

// The policy `eddy iam-policy src/job.ts` prints for the app's settings, checked against the AWS
// calls the app makes when it runs (`--mode local`, through recording proxies in front of the
// stand-ins): every call allowed, every grant used.

test("the printed policy allows every call the app makes, and grants nothing it does not use", async () => {
  const { calls, policy } = await recordedRun({
    src: import.meta.dirname,
    names: (prefix) => ({
      CLICKS_STREAM: `${prefix}-log`,
      CLICKS_TABLE: `${prefix}-leaderboard`,
      CLICKS_DELIVERY_STREAM: `${prefix}-archive`,
    }),
    resources: (env) => clickstreamResources(readSettings(CLICKSTREAM_SETTINGS, [], env)),
    // Lines 400 ms apart: 2,000 are 13 minutes of traffic, so minutes close and leaderboards are written.
    produce: { CLICKS_LINES: "2000", CLICKS_INTERVAL: "400ms", CLICKS_RATE: "max" },
    written: async (stack, env) =>
      (await scanTable(stack, env.CLICKS_TABLE!)).length > 0 &&
      (await deliveredLines(stack, `clickstream/${env.CLICKS_DELIVERY_STREAM}/`)).length > 0,
  });
  expect(new Set(calls.map((c) => c.action.split(":")[0]))).toEqual(
    new Set(["kinesis", "dynamodb", "firehose"]),
  );
  expect(checkPolicy(policy, calls)).toEqual({ denied: [], unused: [] });
}, 120_000);
