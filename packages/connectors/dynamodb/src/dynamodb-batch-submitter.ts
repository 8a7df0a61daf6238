import type { BatchResult, BatchSubmitter } from "@eddy/core";
import type { Attributes, BatchWrite, DynamoDbProxy, PutCondition } from "./dynamodb-client.ts";
import { isInvalidDynamoDbRequest, isRetryableDynamoDbError } from "./dynamodb-error-classifier.ts";
import type { ConditionalWrite } from "./dynamodb-sink-options.ts";
import { type DynamoDbWriteRequest, keyOf } from "./dynamodb-write-request.ts";

const ALL_WRITTEN: BatchResult<DynamoDbWriteRequest> = { failed: [] };

/**
 * The sink's side of the batching seam: a BatchWriteItem call per batch (unprocessed items handed
 * back to be retried alone), or, for conditional writes, one PutItem (or DeleteItem) per request,
 * where a write whose condition fails counts as done (a newer item is stored) and an item DynamoDB
 * refuses (`ValidationException`) is rejected alone.
 */
export class DynamoDbBatchSubmitter implements BatchSubmitter<DynamoDbWriteRequest> {
  #keyAttributes: readonly string[] = [];

  constructor(
    private readonly tableName: string,
    private readonly proxy: DynamoDbProxy,
    private readonly condition: ConditionalWrite | undefined,
  ) {}

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

  isInvalidRequest(error: unknown): boolean {
    return isInvalidDynamoDbRequest(error);
  }

  describe(request: DynamoDbWriteRequest): string {
    return `the ${request.kind} of the item with key ${describeKey(request.key)}`;
  }

  async #batch(requests: readonly DynamoDbWriteRequest[]): Promise<BatchResult<DynamoDbWriteRequest>> {
    const writes: BatchWrite[] = requests.map((r) =>
      r.kind === "put" ? { put: r.attributes } : { delete: r.attributes },
    );
    const unprocessed = await this.proxy.batchWrite(this.tableName, writes);
    if (unprocessed.length === 0) return ALL_WRITTEN;
    const byKey = new Map(requests.map((r) => [r.key, r]));
    const failed: DynamoDbWriteRequest[] = [];
    for (const write of unprocessed) {
      const key = keyOf("put" in write ? write.put : write.delete, this.#keyAttributes);
      const request = key === undefined ? undefined : byKey.get(key);
      if (request) failed.push(request);
    }
    // Unprocessed items we cannot match (should not happen): send the whole batch again, writes are idempotent.
    return {
      failed: failed.length < unprocessed.length ? requests : failed,
      reason: `${unprocessed.length} of ${requests.length} items unprocessed`,
    };
  }

  async #conditional(
    requests: readonly DynamoDbWriteRequest[],
    condition: ConditionalWrite,
  ): Promise<BatchResult<DynamoDbWriteRequest>> {
    const outcomes = await Promise.allSettled(requests.map((r) => this.#writeOne(r, condition)));
    const failed: DynamoDbWriteRequest[] = [];
    const rejected: { entry: DynamoDbWriteRequest; reason: string }[] = [];
    let reason: string | undefined;
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i]!;
      if (outcome.status === "fulfilled") continue;
      const error = outcome.reason as unknown;
      if (isRetryableDynamoDbError(error)) {
        failed.push(requests[i]!);
        reason ??= errorMessage(error);
      } else if (isInvalidDynamoDbRequest(error)) {
        rejected.push({ entry: requests[i]!, reason: errorMessage(error) });
      } else {
        // A missing table, bad credentials: the job fails through the batch.
        throw error;
      }
    }
    return { failed, reason, rejected };
  }

  async #writeOne(request: DynamoDbWriteRequest, condition: ConditionalWrite): Promise<void> {
    if (request.kind === "delete") {
      await this.proxy.deleteItem(this.tableName, request.attributes);
      return;
    }
    await this.proxy.putIfMatches(this.tableName, request.attributes, putCondition(request, condition));
  }
}

function putCondition(request: DynamoDbWriteRequest, condition: ConditionalWrite): PutCondition {
  if ("onlyIfNewer" in condition) {
    const version = request.attributes[condition.onlyIfNewer];
    return {
      expression: version ? "attribute_not_exists(#v) OR #v < :v" : "attribute_not_exists(#v)",
      names: { "#v": condition.onlyIfNewer },
      values: version ? ({ ":v": version } as Attributes) : undefined,
    };
  }
  return {
    expression: condition.conditionExpression,
    names: condition.expressionAttributeNames,
    values: request.conditionValues,
  };
}

function describeKey(key: string): string {
  return key
    .split("\u0000")
    .filter((part) => part.length > 0)
    .join(", ");
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
