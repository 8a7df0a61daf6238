import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import type { OutputTag } from "../dsl/output-tag.ts";
import type { OperatorFactory } from "../runtime/operator.ts";
import type { Key } from "../state/key-group.ts";
import type { WindowAssigner } from "./assigner.ts";
import type { Trigger } from "./trigger.ts";
import type { TimeWindow } from "./window.ts";

export interface WindowOperatorConfig<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut> {
  readonly keyOf: (value: T) => TKey;
  readonly assigner: WindowAssigner<TWindow>;
  readonly trigger: Trigger<TWindow>;
  readonly allowedLateness: number;
  readonly lateDataTag: OutputTag<T> | undefined;
  readonly aggregate: AggregateFunction<T, TAcc, unknown>;
  /** Emits the result(s) of one firing; each gets timestamp `window.end - 1`. */
  readonly fire: (key: TKey, window: TWindow, accumulator: TAcc, emit: (value: TOut) => void, currentWatermark: number) => void;
}

// PLACEHOLDER: implemented by the windows work package.
export function windowOperator<T, TKey extends Key, TWindow extends TimeWindow, TAcc, TOut>(
  _config: WindowOperatorConfig<T, TKey, TWindow, TAcc, TOut>,
): OperatorFactory<T, TOut> {
  throw new Error("windowOperator: not implemented yet");
}
