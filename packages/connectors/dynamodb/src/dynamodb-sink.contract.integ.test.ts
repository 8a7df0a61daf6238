import {
  CreateTableCommand,
  DeleteTableCommand,
  DynamoDBClient,
  ScanCommand,
} from "@aws-sdk/client-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { sinkContract, uniqueName } from "@eddy/core/testing";
import { type LocalDynamoDb, localClientConfig, startLocalDynamoDb } from "@eddy/local-stack";
import { afterAll, beforeAll, describe, test } from "vitest";
import { dynamoDbSink } from "./dynamodb-sink.ts";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";

let dynamo: LocalDynamoDb;
let admin: DynamoDBClient;
beforeAll(async () => {
  dynamo = await startLocalDynamoDb();
  admin = new DynamoDBClient(localClientConfig(dynamo.endpoint));
});
afterAll(async () => {
  admin?.destroy();
  await dynamo?.stop();
});

interface Total {
  readonly id: string;
  readonly amount: number;
}

/** Every item of `table`, as a reader scanning it sees them. */
async function scan(table: string): Promise<Total[]> {
  const items: Total[] = [];
  let start: Record<string, never> | undefined;
  do {
    const page = await admin.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start }));
    for (const item of page.Items ?? []) items.push(unmarshall(item) as Total);
    start = page.LastEvaluatedKey as typeof start;
  } while (start);
  return items;
}

// Deterministic keys make the replay after a restore overwrite items rather than add them:
// at-least-once writes, each item once in the table.
describe("dynamoDbSink keeps the Sink contract", () => {
  const cases = sinkContract<Total>({
    guarantee: "at-least-once",
    destination: async () => {
      const table = uniqueName("contract");
      await admin.send(
        new CreateTableCommand({
          TableName: table,
          KeySchema: [{ AttributeName: "id", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "id", AttributeType: "S" }],
          BillingMode: "PAY_PER_REQUEST",
        }),
      );
      return {
        sink: () =>
          dynamoDbSink<Total>({
            tableName: table,
            client: localClientConfig(dynamo.endpoint),
            item: (t) => ({ id: t.id, amount: t.amount }),
            maxTimeInBufferMS: 50,
            retry: { initialBackoffMS: 5, maxBackoffMS: 100 },
          }),
        readBack: () => scan(table),
        remove: async () => {
          await admin.send(new DeleteTableCommand({ TableName: table }));
        },
      };
    },
    record: (i) => ({ id: `t${i}`, amount: i * 10 }),
    // An empty string as the hash key: DynamoDB refuses the item for good (a ValidationException).
    badRecord: { id: "", amount: -1 },
  });
  for (const c of cases) test(c.name, c.run);
});
