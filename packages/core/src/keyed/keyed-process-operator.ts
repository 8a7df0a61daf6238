import type { OperatorFactory } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import type { KeyedProcessFunction } from "./keyed-process-function.ts";
import type { StateDescriptor } from "./state-descriptors.ts";

// PLACEHOLDER: implemented by the over/keyed work package.
export function keyedProcessOperator<T, TKey extends Key, R, TDecl extends Record<string, StateDescriptor>>(
  _keyOf: (value: T) => TKey,
  _fn: KeyedProcessFunction<TKey, T, R, TDecl>,
): OperatorFactory<T, R> {
  throw new Error("keyedProcessOperator: not implemented yet");
}
