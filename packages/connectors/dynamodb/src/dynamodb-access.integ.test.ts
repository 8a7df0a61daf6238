import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { checkPolicy, fromIterable, iamPolicy, pipeline, silentLogger } from "@eddy/core";
import {
  LOCAL_REGION,
  type LocalDynamoDb,
  localClientConfig,
  type RecordingProxy,
  startLocalDynamoDb,
  startRecordingProxy,
} from "@eddy/local-stack";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { dynamoDbSink } from "./dynamodb-sink.ts";
import type { DynamoDbSinkOptions } from "./dynamodb-sink-options.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

const quiet = { logger: silentLogger, stopOnSignals: false } as const;
/** Where the stand-in runs, as the recording proxy names its resources. */
const WHERE = { region: LOCAL_REGION, account: "000000000000" };

let dynamo: LocalDynamoDb;
let recording: RecordingProxy;
let admin: DynamoDBClient;
const tables: string[] = [];
beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
  recording = await startRecordingProxy({ target: dynamo.endpoint, account: WHERE.account });
  admin = new DynamoDBClient(localClientConfig(dynamo.endpoint));
});
afterAll(async () => {
  for (const table of tables) await admin.send(new DeleteTableCommand({ TableName: table })).catch(() => {});
  admin?.destroy();
  await recording?.stop();
  await dynamo?.stop();
});

async function newTable(): Promise<string> {
  const name = `iam-${tables.length}-${Date.now().toString(36)}`;
  tables.push(name);
  await admin.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
      AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
      BillingMode: "PAY_PER_REQUEST",
    }),
  );
  return name;
}

interface Row {
  readonly id: string;
  readonly at: number;
  readonly gone?: boolean;
}
const rows: Row[] = [
  ...Array.from({ length: 30 }, (_, i) => ({ id: `k${i % 10}`, at: i })),
  { id: "k0", at: 99, gone: true },
];

/** Runs `rows` into a new table through the recording proxy; the job's policy and its calls. */
async function run(options: Partial<DynamoDbSinkOptions<Row>>) {
  const tableName = await newTable();
  const job = pipeline("iam-dynamodb", quiet);
  const sink = dynamoDbSink<Row>({
    tableName,
    item: (r) => ({ id: r.id, at: r.at }),
    client: localClientConfig(recording.endpoint),
    ...options,
  });
  job.source(fromIterable(rows)).sink(sink);
  const from = recording.calls.length;
  await job.run();
  return checkPolicy(iamPolicy(job, WHERE).document, recording.calls.slice(from));
}

describe("the IAM policy of dynamoDbSink, against the calls it makes", () => {
  test("upserts: DescribeTable and BatchWriteItem on its table", async () => {
    expect(await run({})).toEqual({ denied: [], unused: [] });
  });

  test("conditional writes with deletions: PutItem and DeleteItem, no DescribeTable when the key is given", async () => {
    const conditional = {
      conditionalWrite: { onlyIfNewer: "at" },
      deleteKey: (r: Row) => (r.gone ? { id: r.id } : undefined),
      overwriteByPartitionKeys: ["id"],
    };
    expect(await run(conditional)).toEqual({ denied: [], unused: [] });
  });
});
