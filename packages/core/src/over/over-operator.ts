import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { OutputTag } from "../dsl/output-tag.ts";
import type { OperatorFactory } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";

/** `{ range: ms }`: records with timestamps in [ts − range, ts]; `{ rows: n }`: n preceding records plus the current one. */
export type OverFrame = { readonly range: number } | { readonly rows: number };

export interface OverOperatorConfig<T, TKey extends Key, TAcc, R, TOut> {
  readonly keyOf: (value: T) => TKey;
  readonly frame: OverFrame;
  readonly aggregate: AggregateFunction<T, TAcc, R>;
  readonly lateDataTag: OutputTag<T> | undefined;
  readonly project: (record: T, value: R, key: TKey) => TOut;
}

// PLACEHOLDER: implemented by the over/keyed work package.
export function overOperator<T, TKey extends Key, TAcc, R, TOut>(
  _config: OverOperatorConfig<T, TKey, TAcc, R, TOut>,
): OperatorFactory<T, TOut> {
  throw new Error("overOperator: not implemented yet");
}
