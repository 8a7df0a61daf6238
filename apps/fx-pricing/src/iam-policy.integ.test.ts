import { fileURLToPath } from "node:url";
import { readSettings } from "@eddy/app-kit";
import * as testing from "@eddy/app-kit/testing";
import { checkPolicy } from "@eddy/core";
import { LOCAL_REGION } from "@eddy/local-stack";
import { afterAll, beforeAll, expect, test } from "vitest";
import { FX_SETTINGS } from "./fx-settings.ts";
import { fxResources } from "./job.ts";

// The policy `eddy iam-policy src/job.ts` prints for the app's settings, checked against the AWS
// calls the app makes when it runs (`--mode local`, through recording proxies in front of the
// stand-ins): every call allowed, every grant used.

const MAIN = fileURLToPath(new URL("./main.ts", import.meta.url));
const JOB = fileURLToPath(new URL("./job.ts", import.meta.url));
const PRODUCER = fileURLToPath(new URL("./producer.ts", import.meta.url));

let stack: testing.TestStack;
let recorded: testing.RecordedStack;
beforeAll(async () => {
  stack = await testing.startTestStack();
  recorded = await testing.recordedStack(stack);
}, 60_000);
afterAll(async () => {
  await recorded?.stop();
  await stack?.stop();
});

test("the printed policy allows every call the app makes, and grants nothing it does not use", async () => {
  const name = stack.unique("fx-iam");
  const env = {
    ...testing.localAppEnv(stack, name),
    FX_STREAM: `${name}-ticks`,
    FX_TABLE: `${name}-latest`,
    FX_DELIVERY_STREAM: `${name}-archive`,
  };
  // Created beforehand, as on AWS: the app itself makes only the calls of its run.
  await testing.createAppResources(stack, fxResources(readSettings(FX_SETTINGS, [], env)));
  const produced = await testing.runToExit(PRODUCER, stack, {
    EDDY_JOB: `producer-${name}`,
    FX_STREAM: env.FX_STREAM,
    FX_TICKS: "2000",
    FX_RATE: "max",
  });
  expect(produced.code, produced.output).toBe(0);

  const { calls, policy } = await testing.recordedRun(stack, recorded, {
    main: MAIN,
    job: JOB,
    env,
    written: async () =>
      (await testing.scanTable(stack, env.FX_TABLE)).length > 0 &&
      (await testing.deliveredLines(stack, `fx-pricing/${env.FX_DELIVERY_STREAM}/`)).length > 0,
    where: { region: LOCAL_REGION, account: "000000000000" },
  });
  expect(new Set(calls.map((c) => c.action.split(":")[0]))).toEqual(
    new Set(["kinesis", "dynamodb", "firehose"]),
  );
  expect(checkPolicy(policy, calls)).toEqual({ denied: [], unused: [] });
}, 120_000);
