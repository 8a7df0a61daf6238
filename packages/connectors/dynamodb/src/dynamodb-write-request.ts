import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * One buffered write: a put or a delete, marshalled, with its de-duplication key.
 *
 * @example
 * const put: DynamoDbWriteRequest = {
 *   kind: "put",
 *   attributes: { symbol: { S: "EURUSD" }, windowEnd: { N: "60000" } },
 *   key: '{"S":"EURUSD"}\u0000',
 * };
 */
export interface DynamoDbWriteRequest {
  /** `put` writes `attributes` as the item; `delete` removes the item with that key. */
  readonly kind: "put" | "delete";
  /** The item (put) or its primary key (delete), marshalled. */
  readonly attributes: Record<string, AttributeValue>;
  /** The values of the de-duplication attributes, as one string. */
  readonly key: string;
  /** A custom condition's `:values`, marshalled, when the sink writes conditionally. */
  readonly conditionValues?: Record<string, AttributeValue> | undefined;
  /** The record it was made from, for the dead letter if DynamoDB refuses it. */
  readonly record?: unknown;
}

/**
 * The de-duplication key of marshalled attributes, or `undefined` when one of `keyAttributes` is
 * missing. Unprocessed items coming back from DynamoDB map to the same string.
 */
export function keyOf(
  attributes: Record<string, AttributeValue>,
  keyAttributes: readonly string[],
): string | undefined {
  let key = "";
  for (const name of keyAttributes) {
    const value = attributes[name];
    if (value === undefined) return undefined;
    key += `${JSON.stringify(value, binaryAsBase64)}\u0000`;
  }
  return key;
}

function binaryAsBase64(_: string, value: unknown): unknown {
  return value instanceof Uint8Array ? Buffer.from(value).toString("base64") : value;
}

/**
 * The item's size as DynamoDB counts it, roughly: attribute names plus values (numbers as their
 * digits, sets and lists element by element).
 */
export function itemSize(attributes: Record<string, AttributeValue>): number {
  let size = 0;
  for (const name in attributes) size += Buffer.byteLength(name) + valueSize(attributes[name]!);
  return size;
}

function valueSize(value: AttributeValue): number {
  if (value.S !== undefined) return Buffer.byteLength(value.S);
  if (value.N !== undefined) return value.N.length;
  if (value.B !== undefined) return value.B.byteLength;
  if (value.BOOL !== undefined || value.NULL !== undefined) return 1;
  if (value.SS !== undefined) return value.SS.reduce((n, s) => n + Buffer.byteLength(s), 0);
  if (value.NS !== undefined) return value.NS.reduce((n, s) => n + s.length, 0);
  if (value.BS !== undefined) return value.BS.reduce((n, b) => n + b.byteLength, 0);
  if (value.L !== undefined) return 3 + value.L.reduce((n, v) => n + 1 + valueSize(v), 0);
  if (value.M !== undefined) return 3 + itemSize(value.M);
  return 0;
}
