import {
  type AttributeValue,
  BatchWriteItemCommand,
  type BatchWriteItemCommandOutput,
  DeleteItemCommand,
  DescribeTableCommand,
  type DescribeTableCommandOutput,
  DynamoDBClient,
  type DynamoDBClientConfig,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import { type AwsSdkClient, isAwsSdkClient } from "@eddy/core";

/**
 * The only file of this package that talks to `@aws-sdk/client-dynamodb`: the sink speaks to
 * DynamoDB through the narrow {@link DynamoDbProxy} below, so its batching, retries and dead
 * letters are tested against a scripted proxy, and against dynalite through this one.
 */

/** Marshalled attributes: an item, or the key of one. */
export type Attributes = Record<string, AttributeValue>;

/** One write of a BatchWriteItem call. */
export type BatchWrite = { readonly put: Attributes } | { readonly delete: Attributes };

/** A conditional put: the `ConditionExpression` and its names and values. */
export interface PutCondition {
  readonly expression: string;
  readonly names: Record<string, string> | undefined;
  readonly values: Attributes | undefined;
}

/** What the sink needs of DynamoDB. */
export interface DynamoDbProxy {
  /** The table's primary key attributes, partition key first (DescribeTable). */
  primaryKey(tableName: string): Promise<string[]>;
  /** One BatchWriteItem call; resolves with the writes DynamoDB left unprocessed. */
  batchWrite(tableName: string, writes: readonly BatchWrite[]): Promise<BatchWrite[]>;
  /** One PutItem call with a condition; `false` when the condition did not hold. */
  putIfMatches(tableName: string, item: Attributes, condition: PutCondition): Promise<boolean>;
  /** One DeleteItem call. */
  deleteItem(tableName: string, key: Attributes): Promise<void>;
  /** Releases the client if Eddy built it (a client the user gave is left open). */
  close(): void;
}

/**
 * The SDK-backed proxy for the sink's `client` option: a `DynamoDBClient` (recognized by its shape,
 * so one from another copy of the SDK works) is used as given; settings (deprecated) or nothing
 * make a client Eddy builds with `maxAttempts: 1` (Eddy retries, the SDK does not) and closes.
 */
export function createDynamoDbProxy(
  client: AwsSdkClient | DynamoDBClientConfig | undefined,
  where: string,
): { readonly proxy: DynamoDbProxy; readonly fromSettings: boolean } {
  const given = isAwsSdkClient(client, "DynamoDB", where) ? client : undefined;
  const sdk: AwsSdkClient =
    given ?? new DynamoDBClient({ ...(client as DynamoDBClientConfig), maxAttempts: 1 });
  const proxy: DynamoDbProxy = {
    async primaryKey(tableName) {
      const table = (await sdk.send(
        new DescribeTableCommand({ TableName: tableName }),
      )) as DescribeTableCommandOutput;
      const schema = table.Table?.KeySchema ?? [];
      const hash = schema.find((k) => k.KeyType === "HASH")?.AttributeName;
      const range = schema.find((k) => k.KeyType === "RANGE")?.AttributeName;
      return [hash, range].filter((name): name is string => name !== undefined);
    },
    async batchWrite(tableName, writes) {
      const response = (await sdk.send(
        new BatchWriteItemCommand({
          RequestItems: {
            [tableName]: writes.map((w) =>
              "put" in w ? { PutRequest: { Item: w.put } } : { DeleteRequest: { Key: w.delete } },
            ),
          },
        }),
      )) as BatchWriteItemCommandOutput;
      const unprocessed = response.UnprocessedItems?.[tableName] ?? [];
      return unprocessed.map((item) =>
        item.PutRequest?.Item ? { put: item.PutRequest.Item } : { delete: item.DeleteRequest?.Key ?? {} },
      );
    },
    async putIfMatches(tableName, item, condition) {
      try {
        await sdk.send(
          new PutItemCommand({
            TableName: tableName,
            Item: item,
            ConditionExpression: condition.expression,
            ExpressionAttributeNames: condition.names,
            ExpressionAttributeValues: condition.values,
          }),
        );
        return true;
      } catch (error) {
        if (error instanceof Error && error.name === "ConditionalCheckFailedException") return false;
        throw error;
      }
    },
    async deleteItem(tableName, key) {
      await sdk.send(new DeleteItemCommand({ TableName: tableName, Key: key }));
    },
    close() {
      if (!given) sdk.destroy();
    },
  };
  return { proxy, fromSettings: given === undefined && client !== undefined };
}
