import { type AwsAccess, awsArn } from "@eddy/core";
import type { DynamoDbSinkOptions } from "./dynamodb-sink-options.ts";

/**
 * What {@link dynamoDbSink} calls on its table: DescribeTable to learn the key (unless
 * `overwriteByPartitionKeys` names it), then BatchWriteItem, or with `conditionalWrite` one request
 * at a time: PutItem, and DeleteItem when `deleteKey` makes records deletions.
 */
export function dynamoDbSinkAccess(
  options: Pick<
    DynamoDbSinkOptions<never>,
    "tableName" | "overwriteByPartitionKeys" | "conditionalWrite" | "deleteKey"
  >,
): AwsAccess[] {
  const { tableName, overwriteByPartitionKeys, conditionalWrite, deleteKey } = options;
  const table = awsArn("dynamodb", tableName.startsWith("arn:") ? tableName : `table/${tableName}`);
  const actions = !conditionalWrite
    ? ["dynamodb:BatchWriteItem"]
    : deleteKey
      ? ["dynamodb:DeleteItem", "dynamodb:PutItem"]
      : ["dynamodb:PutItem"];
  if (!overwriteByPartitionKeys) actions.push("dynamodb:DescribeTable");
  return [{ service: "dynamodb", actions, resources: [table] }];
}
