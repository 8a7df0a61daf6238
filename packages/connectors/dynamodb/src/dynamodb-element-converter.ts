import { type marshallOptions as MarshallOptions, marshall } from "@aws-sdk/util-dynamodb";
import type { Attributes } from "./dynamodb-client.ts";
import type { DynamoDbItem } from "./dynamodb-sink-options.ts";
import { type DynamoDbWriteRequest, itemSize, keyOf } from "./dynamodb-write-request.ts";

/** How records become write requests. */
export interface ConverterSettings<T> {
  readonly item: (record: T) => DynamoDbItem;
  readonly deleteKey: ((record: T) => DynamoDbItem | undefined) | undefined;
  readonly marshallOptions: MarshallOptions | undefined;
  /** A custom condition's `:values`, from the item. */
  readonly conditionValues: ((item: DynamoDbItem) => DynamoDbItem) | undefined;
  readonly keyAttributes: readonly string[];
  readonly maxRecordSizeInBytes: number;
}

/** A record turned into a write request, or why it cannot be written. */
export type ConvertedRequest =
  | { readonly request: DynamoDbWriteRequest; readonly size: number }
  | { readonly reason: "too-large" | "invalid"; readonly error: string };

/**
 * Turns a record into a put (or, when `deleteKey` gives a key, a delete) of a marshalled item
 * (Flink's `ElementConverter`), refusing what DynamoDB would refuse anyway: an item that cannot be
 * built or marshalled, lacks a key attribute, or is larger than `maxRecordSizeInBytes`.
 */
export function convertRecord<T>(record: T, settings: ConverterSettings<T>): ConvertedRequest {
  try {
    const removed = settings.deleteKey?.(record);
    const plain: DynamoDbItem = removed ?? settings.item(record);
    const attributes = marshall(plain, settings.marshallOptions) as Attributes;
    const key = keyOf(attributes, settings.keyAttributes);
    if (key === undefined) {
      return {
        reason: "invalid",
        error: `its ${removed ? "key" : "item"} lacks one of the key attributes ${settings.keyAttributes.join(", ")}`,
      };
    }
    const size = itemSize(attributes);
    if (size > settings.maxRecordSizeInBytes) {
      return {
        reason: "too-large",
        error: `its item is about ${size} bytes, more than maxRecordSizeInBytes (${settings.maxRecordSizeInBytes})`,
      };
    }
    const conditionValues =
      settings.conditionValues && !removed
        ? (marshall(settings.conditionValues(plain), settings.marshallOptions) as Attributes)
        : undefined;
    return { request: { kind: removed ? "delete" : "put", attributes, key, conditionValues, record }, size };
  } catch (error) {
    return {
      reason: "invalid",
      error: `its item cannot be built: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
