import { readSettings } from "@eddy/app-kit";
import { deliveredLines, recordedRun, scanTable } from "@eddy/app-kit/testing";
import { checkPolicy } from "@eddy/core";
import { expect, test } from "vitest";
import { FX_SETTINGS } from "./fx-settings.ts";
import { fxResources } from "./job.ts";

// The policy `eddy iam-policy src/job.ts` prints for the app's settings, checked against the AWS
// calls the app makes when it runs (`--mode local`, through recording proxies in front of the
// stand-ins): every call allowed, every grant used.

test("the printed policy allows every call the app makes, and grants nothing it does not use", async () => {
  const { calls, policy } = await recordedRun({
    src: import.meta.dirname,
    names: (prefix) => ({
      FX_STREAM: `${prefix}-ticks`,
      FX_TABLE: `${prefix}-latest`,
      FX_DELIVERY_STREAM: `${prefix}-archive`,
    }),
    resources: (env) => fxResources(readSettings(FX_SETTINGS, [], env)),
    produce: { FX_TICKS: "2000", FX_RATE: "max" },
    written: async (stack, env) =>
      (await scanTable(stack, env.FX_TABLE!)).length > 0 &&
      (await deliveredLines(stack, `fx-pricing/${env.FX_DELIVERY_STREAM}/`)).length > 0,
  });
  expect(new Set(calls.map((c) => c.action.split(":")[0]))).toEqual(
    new Set(["kinesis", "dynamodb", "firehose"]),
  );
  expect(checkPolicy(policy, calls)).toEqual({ denied: [], unused: [] });
}, 120_000);
