import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { AwsCall, IamPolicy } from "@eddy/core";
import { LOCAL_REGION, type RecordingProxy, startRecordingProxy, writeStackFile } from "@eddy/local-stack";
import { startApp, startTestStack, stopWhenDone, type TestStack } from "@eddy/local-stack/testing";
import { localStackConnections } from "../connections.ts";
import { type AppResources, createResources } from "../resources.ts";
import { localAppEnv, runToExit } from "./local-app.ts";

/** The account the recording proxies put in the ARNs of resources named by name (the stand-ins'). */
const LOCAL_ACCOUNT = "000000000000";

/** The test stack's AWS stand-ins behind recording proxies, for an app to run against. */
export interface RecordedStack {
  /** A stack file whose Kinesis, DynamoDB and Firehose endpoints are the proxies. */
  readonly stackFile: string;
  /** Every call that passed through the proxies, as IAM sees it. */
  calls(): AwsCall[];
  stop(): Promise<void>;
}

/**
 * Puts recording proxies in front of the stack's Kinesis, DynamoDB and Firehose and writes a stack
 * file naming them, so an app run with it (`EDDY_STACK_FILE`) has each of its AWS calls recorded.
 * Redis and S3 stay direct: Redis is no AWS service, and S3 is written by the Firehose stand-in.
 */
export async function recordedStack(stack: TestStack): Promise<RecordedStack> {
  const { endpoints } = stack;
  const proxies: RecordingProxy[] = [];
  const proxied = async (target: string) => {
    const proxy = await startRecordingProxy({ target, account: LOCAL_ACCOUNT });
    proxies.push(proxy);
    return proxy.endpoint;
  };
  try {
    const stackFile = await writeStackFile(
      {
        ...endpoints,
        kinesis: await proxied(endpoints.kinesis),
        dynamodb: await proxied(endpoints.dynamodb),
        firehose: await proxied(endpoints.firehose),
      },
      join(stack.directory, `recorded-${stack.unique("stack")}.json`),
    );
    return {
      stackFile,
      calls: () => proxies.flatMap((p) => p.calls),
      stop: async () => {
        for (const proxy of proxies) await proxy.stop();
      },
    };
  } catch (error) {
    for (const proxy of proxies) await proxy.stop().catch(() => {});
    throw error;
  }
}

/** The `eddy` command, run from source as `npm run eddy` runs it. */
const EDDY = fileURLToPath(new URL("../../../../packages/cli/src/bin.ts", import.meta.url));

/**
 * What `eddy iam-policy <module> --region <region> --account <account>` prints for the app's
 * settings in `env` (as a user runs it before deploying); throws with its output when it fails.
 */
export async function printedPolicy(
  module: string,
  stack: TestStack,
  env: Record<string, string>,
  where: { readonly region: string; readonly account: string },
): Promise<IamPolicy["document"]> {
  const eddy = startApp(EDDY, { EDDY_STACK_FILE: stack.stackFile, ...env }, [
    "iam-policy",
    module,
    "--region",
    where.region,
    "--account",
    where.account,
  ]);
  const code = await eddy.exited;
  const output = eddy.output();
  if (code !== 0) throw new Error(`eddy iam-policy exited with ${code}:\n${output}`);
  // The document is the JSON object on stdout; notes (none expected here) go to stderr.
  return JSON.parse(output.slice(output.indexOf("{"), output.lastIndexOf("}") + 1)) as IamPolicy["document"];
}

/**
 * Creates an app's stream, table and delivery stream on the test's stack directly, so the app can
 * run with `EDDY_CREATE_RESOURCES=false` and make only the calls it makes on AWS.
 */
export async function createAppResources(stack: TestStack, resources: AppResources): Promise<void> {
  const connections = await localStackConnections(stack.stackFile);
  try {
    await createResources(connections, resources, new Set(["dynamodb", "firehose"]));
  } finally {
    connections.close();
  }
}

/** An app run for {@link recordedRun}. */
export interface RecordedRunOptions {
  /**
   * The app's `src/` directory: its `main.ts` runs, `eddy iam-policy` reads its `job.ts`, and its
   * `producer.ts` runs to its end before the app starts.
   */
  readonly src: string;
  /** The app's own settings for a unique `prefix`: its stream, table and delivery stream. */
  readonly names: (prefix: string) => Record<string, string>;
  /** What the app reads and writes with those settings, created before it runs. */
  readonly resources: (env: Record<string, string>) => AppResources;
  /** The producer's settings beyond the stream (how many records, how fast…). */
  readonly produce: Record<string, string>;
  /** Holds once the app has written to every AWS sink; then it is stopped. */
  readonly written: (stack: TestStack, env: Record<string, string>) => Promise<boolean>;
}

/**
 * On a stack of its own: creates the app's resources, runs its producer, then runs the app
 * (`--mode local`) through recording proxies until `written` holds and stops it with SIGTERM.
 * Returns the AWS calls the app made and the policy `eddy iam-policy` prints for the same settings
 * in `--mode aws` (checkpoints where the run kept them), as a user prints it before deploying.
 */
export async function recordedRun(
  run: RecordedRunOptions,
): Promise<{ calls: AwsCall[]; policy: IamPolicy["document"] }> {
  const stack = await startTestStack();
  let recorded: RecordedStack | undefined;
  try {
    recorded = await recordedStack(stack);
    const name = stack.unique("iam");
    const env = { ...localAppEnv(stack, name), ...run.names(name) };
    // Created beforehand, as on AWS: the app itself makes only the calls of its run.
    await createAppResources(stack, run.resources(env));
    const produced = await runToExit(join(run.src, "producer.ts"), stack, {
      ...run.names(name),
      ...run.produce,
      EDDY_JOB: `producer-${name}`,
    });
    if (produced.code !== 0)
      throw new Error(`the producer exited with ${produced.code}:\n${produced.output}`);
    const app = startApp(join(run.src, "main.ts"), {
      ...env,
      EDDY_STACK_FILE: recorded.stackFile,
      EDDY_CREATE_RESOURCES: "false",
    });
    const code = await stopWhenDone(app, () => run.written(stack, env), "output in every AWS sink", 60_000);
    if (code !== 0) throw new Error(`the app exited with ${code}:\n${app.output()}`);
    const calls = recorded.calls();
    const policy = await printedPolicy(
      join(run.src, "job.ts"),
      stack,
      { ...env, EDDY_MODE: "aws", EDDY_CHECKPOINTS: stack.endpoints.redis },
      { region: LOCAL_REGION, account: LOCAL_ACCOUNT },
    );
    return { calls, policy };
  } finally {
    await recorded?.stop();
    await stack.stop();
  }
}
