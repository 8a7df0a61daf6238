import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  type DynamoDBClientConfig,
  PutItemCommand,
} from "@aws-sdk/client-dynamodb";
import type { BatchResult, BatchSubmitter } from "@eddy/core";
import { isConditionFailed, isRetryableDynamoDbError } from "./dynamodb-error-classifier.ts";
import type { ConditionalWrite } from "./dynamodb-sink-options.ts";
import { type DynamoDbWriteRequest, keyOf } from "./dynamodb-write-request.ts";

/**
 * The one place the sink talks to DynamoDB: BatchWriteItem (unprocessed items handed back for a
 * retry), PutItem with a condition, DeleteItem, and DescribeTable for the key schema.
 */
export class DynamoDbTableClient implements BatchSubmitter<DynamoDbWriteRequest> {
  readonly #client: DynamoDBClient;
  readonly #owned: boolean;
  #keyAttributes: readonly string[] = [];

  constructor(
    private readonly tableName: string,
    client: DynamoDBClient | DynamoDBClientConfig | undefined,
    private readonly condition: ConditionalWrite | undefined,
  ) {
    this.#owned = !(client instanceof DynamoDBClient);
    this.#client = client instanceof DynamoDBClient ? client : new DynamoDBClient(client ?? {});
  }

  /** The table's primary key attributes (partition key first). */
  async primaryKey(): Promise<string[]> {
    const table = await this.#client.send(new DescribeTableCommand({ TableName: this.tableName }));
    const schema = table.Table?.KeySchema ?? [];
    const hash = schema.find((k) => k.KeyType === "HASH")?.AttributeName;
    const range = schema.find((k) => k.KeyType === "RANGE")?.AttributeName;
    return [hash, range].filter((name): name is string => name !== undefined);
  }

  /** The attributes unprocessed items are matched back by (the sink's de-duplication key). */
  useKeyAttributes(attributes: readonly string[]): void {
    this.#keyAttributes = attributes;
  }

  submit(requests: readonly DynamoDbWriteRequest[]): Promise<BatchResult<DynamoDbWriteRequest>> {
    return this.condition ? this.#conditional(requests, this.condition) : this.#batch(requests);
  }

  isRetryable(error: unknown): boolean {
    return isRetryableDynamoDbError(error);
  }

  destroy(): void {
    if (this.#owned) this.#client.destroy();
  }

  async #batch(requests: readonly DynamoDbWriteRequest[]): Promise<BatchResult<DynamoDbWriteRequest>> {
    const response = await this.#client.send(
      new BatchWriteItemCommand({
        RequestItems: {
          [this.tableName]: requests.map((r) =>
            r.kind === "put"
              ? { PutRequest: { Item: r.attributes } }
              : { DeleteRequest: { Key: r.attributes } },
          ),
        },
      }),
    );
    const unprocessed = response.UnprocessedItems?.[this.tableName] ?? [];
    if (unprocessed.length === 0) return { failed: [] };
    const byKey = new Map(requests.map((r) => [r.key, r]));
    const failed: DynamoDbWriteRequest[] = [];
    for (const item of unprocessed) {
      const attributes = item.PutRequest?.Item ?? item.DeleteRequest?.Key;
      const key = attributes && keyOf(attributes, this.#keyAttributes);
      const request = key === undefined ? undefined : byKey.get(key);
      if (request) failed.push(request);
    }
    // Unprocessed items we cannot match (should not happen): send the whole batch again, writes are idempotent.
    const all = failed.length < unprocessed.length;
    return {
      failed: all ? requests : failed,
      reason: `${unprocessed.length} of ${requests.length} items unprocessed`,
    };
  }

  async #conditional(
    requests: readonly DynamoDbWriteRequest[],
    condition: ConditionalWrite,
  ): Promise<BatchResult<DynamoDbWriteRequest>> {
    const outcomes = await Promise.allSettled(requests.map((r) => this.#writeOne(r, condition)));
    const failed: DynamoDbWriteRequest[] = [];
    let reason: string | undefined;
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome.status === "fulfilled") continue;
      // Anything but throttling and 5xx fails the job through the batch.
      if (!isRetryableDynamoDbError(outcome.reason)) throw outcome.reason;
      failed.push(requests[i]!);
      reason ??= String((outcome.reason as Error).name);
    }
    return { failed, reason };
  }

  async #writeOne(request: DynamoDbWriteRequest, condition: ConditionalWrite): Promise<void> {
    if (request.kind === "delete") {
      await this.#client.send(new DeleteItemCommand({ TableName: this.tableName, Key: request.attributes }));
      return;
    }
    let expression: string;
    let names: Record<string, string> | undefined;
    let values: Record<string, AttributeValue> | undefined;
    if ("onlyIfNewer" in condition) {
      const version = request.attributes[condition.onlyIfNewer];
      expression = version ? "attribute_not_exists(#v) OR #v < :v" : "attribute_not_exists(#v)";
      names = { "#v": condition.onlyIfNewer };
      values = version ? { ":v": version } : undefined;
    } else {
      expression = condition.conditionExpression;
      names = condition.expressionAttributeNames;
      values = request.conditionValues;
    }
    try {
      await this.#client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: request.attributes,
          ConditionExpression: expression,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
    }
  }
}
