import { readFile } from "node:fs/promises";
import { FirehoseClient } from "@aws-sdk/client-firehose";
import { KinesisClient } from "@aws-sdk/client-kinesis";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { S3Client } from "@aws-sdk/client-s3";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { ConfigError } from "../config-error.ts";

/**
 * The AWS clients of one run, each built once and handed to every connector as its `client`
 * (so one connection pool per service, and the connectors' own retries are the only ones:
 * every client has `maxAttempts: 1`). {@link AwsClients.close} destroys them.
 *
 * @example
 * const clients = await awsClients({ mode: "aws" });
 * clients.describe; // "AWS (the SDK's default credentials and region)"
 * clients.close();
 */
export interface AwsClients {
  /** Said on start-up: where the clients point. */
  readonly describe: string;
  readonly kinesis: KinesisClient;
  readonly firehose: FirehoseClient;
  readonly s3: S3Client;
  /** Absent in local mode without `--lambda-endpoint` (the local stack has no Lambda). */
  readonly lambda: LambdaClient | undefined;
  /** The local stack's Redis (`redis://…`), the default checkpoint store in local mode. */
  readonly localRedis: string | undefined;
  /** The local stack's bucket, where delivery streams created in local mode deliver. */
  readonly localBucket: string | undefined;
  /** Destroys every client. */
  close(): void;
}

/** What `npm run stack` writes to `.eddy/stack.json` and `eddy-sql run --mode local` reads. */
interface StackFile {
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly kinesis: string;
  readonly s3: string;
  readonly firehose: string;
  readonly redis: string;
  readonly bucket: string;
  readonly pid: number;
}

/**
 * Where the clients of a run point: AWS through the SDK's default chain, or the local stack
 * described by its stack file (plus, for Lambda, a local Invoke server's endpoint).
 *
 * @example
 * const local: ClientTarget = { mode: "local", stackFile: ".eddy/stack.json", lambdaEndpoint: "http://127.0.0.1:9001" };
 */
export type ClientTarget =
  | { readonly mode: "aws" }
  | { readonly mode: "local"; readonly stackFile: string; readonly lambdaEndpoint?: string };

async function readStack(path: string): Promise<StackFile> {
  let stack: StackFile;
  try {
    stack = JSON.parse(await readFile(path, "utf8")) as StackFile;
  } catch {
    throw new ConfigError(
      `--mode local: no local stack at ${path}: start one with \`npm run stack\` (or give its file with --stack-file)`,
    );
  }
  for (const field of ["region", "kinesis", "s3", "firehose", "redis", "bucket"] as const) {
    if (typeof stack[field] !== "string")
      throw new ConfigError(
        `--stack-file ${path}: "${field}" is missing: is it a stack file of \`npm run stack\`?`,
      );
  }
  try {
    process.kill(stack.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else, which is still a running stack.
    if ((error as NodeJS.ErrnoException).code !== "EPERM")
      throw new ConfigError(
        `--mode local: the local stack of ${path} has exited (pid ${stack.pid}): start one with \`npm run stack\``,
      );
  }
  return stack;
}

/**
 * Builds the run's clients once. On AWS they use the SDK's default credentials and region; on the
 * local stack its endpoints and fake credentials, with HTTP/1.1 for Kinesis (the stand-ins do not
 * speak HTTP/2) and path-style S3 without streamed checksums (what s3rver accepts).
 *
 * @example
 * const clients = await awsClients({ mode: "local", stackFile: ".eddy/stack.json" });
 */
export async function awsClients(target: ClientTarget): Promise<AwsClients> {
  if (target.mode === "aws") {
    // HTTP/1.1: the source polls (GetRecords), which needs no HTTP/2, and so do stand-ins reached
    // through AWS_ENDPOINT_URL_KINESIS.
    const kinesis = new KinesisClient({
      maxAttempts: 1,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }),
    });
    let region: string | undefined;
    try {
      region = await kinesis.config.region();
    } catch {
      region = undefined;
    }
    const clients = {
      kinesis,
      firehose: new FirehoseClient({ maxAttempts: 1 }),
      s3: new S3Client({ maxAttempts: 1 }),
      lambda: new LambdaClient({ maxAttempts: 1 }),
    };
    return {
      describe: `AWS (${region ? `region ${region}` : "no region found: set AWS_REGION or a region in your AWS profile"}, the SDK's default credentials)`,
      ...clients,
      localRedis: undefined,
      localBucket: undefined,
      close: () => {
        for (const client of Object.values(clients)) client.destroy();
      },
    };
  }
  const stack = await readStack(target.stackFile);
  const base = { region: stack.region, credentials: { ...stack.credentials }, maxAttempts: 1 };
  const clients = {
    kinesis: new KinesisClient({
      ...base,
      endpoint: stack.kinesis,
      requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000 }),
    }),
    firehose: new FirehoseClient({ ...base, endpoint: stack.firehose }),
    s3: new S3Client({
      ...base,
      endpoint: stack.s3,
      forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
    }),
    lambda:
      target.lambdaEndpoint === undefined
        ? undefined
        : new LambdaClient({ ...base, endpoint: target.lambdaEndpoint }),
  };
  return {
    describe: `the local stack of ${target.stackFile}${target.lambdaEndpoint ? `, Lambda at ${target.lambdaEndpoint}` : ""}`,
    ...clients,
    localRedis: stack.redis,
    localBucket: stack.bucket,
    close: () => {
      for (const client of Object.values(clients)) client?.destroy();
    },
  };
}
