/**
 * Development only: local stand-ins for Kinesis, DynamoDB, S3, Firehose and Lambda, and Redis, for the
 * `pnpm stack` command and for tests that start their own servers.
 * @packageDocumentation
 */
export { LOCAL_CREDENTIALS, LOCAL_REGION, localClientConfig, localS3ClientConfig } from "./aws-config.ts";
export { type LocalDynamoDb, startLocalDynamoDb } from "./dynalite.ts";
export {
  type FaultDecision,
  type FaultProxy,
  type ProxiedRequest,
  type ProxiedResponse,
  seededRandom,
  startFaultProxy,
} from "./fault-proxy.ts";
export type { DeliveryEvents, S3Destination } from "./firehose/delivery-stream.ts";
export {
  FIREHOSE_LIMITS,
  LOCAL_FIREHOSE_NOTICE,
  type LocalFirehose,
  type LocalFirehoseOptions,
  startLocalFirehose,
} from "./firehose/firehose-server.ts";
export { evaluatePrefix, formatUtc } from "./firehose/s3-prefix.ts";
export { startKinesalite } from "./kinesalite.ts";
export { type LocalKinesis, startLocalKinesis } from "./kinesis.ts";
export {
  LAMBDA_LIMITS,
  LOCAL_LAMBDA_NOTICE,
  type LocalLambda,
  type LocalLambdaContext,
  type LocalLambdaHandler,
  type LocalLambdaInvocation,
  type LocalLambdaOptions,
  startLocalLambda,
} from "./lambda/lambda-server.ts";
export { freePort, waitForPort } from "./ports.ts";
export { type RecordedCall, type RecordingProxy, startRecordingProxy } from "./recording-proxy.ts";
export { type LocalRedis, startLocalRedis } from "./redis.ts";
export { startS3ConditionalWrites } from "./s3-conditional/conditional-writes-server.ts";
export { LocalS3Objects, type StoredObject } from "./s3-objects.ts";
export { type LocalS3, startLocalS3 } from "./s3rver.ts";
export { type LocalStack, STACK_PORTS, startStack } from "./stack.ts";
export { readStackFile, repoRoot, type StackEndpoints, stackFilePath, writeStackFile } from "./stack-file.ts";
export { startWorkerProcess, type WorkerExit, type WorkerProcess } from "./worker-process.ts";
