import type { OperatorFactory } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";

// PLACEHOLDER: implemented by the over/keyed work package.
export function rollingReduce<T, TKey extends Key>(
  _keyOf: (value: T) => TKey,
  _reducer: (accumulated: T, value: T) => T,
): OperatorFactory<T, T> {
  throw new Error("rollingReduce: not implemented yet");
}
