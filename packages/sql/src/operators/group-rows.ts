import type { DataStream } from "@eddy/core";
import type { AggregateCall, CompiledExpression, SqlRow } from "../plan/logical-plan.ts";
import type { SqlField } from "../types/sql-type.ts";
import type { SqlValue } from "../types/sql-value.ts";
import { type CallArguments, evaluateCallArguments } from "./aggregate-calls.ts";
import { keyToken } from "./group-key.ts";
import type { HeldRow } from "./late-rows.ts";
import { type LoweringContext, rowStep } from "./row-step.ts";

/** A row ready for a group: its group's key, the key values, and each call's arguments. */
export interface GroupInput extends HeldRow {
  /** The key of the row's group (of its keys but the one a window stands for). */
  readonly key: string;
  /** Every key value, in order. */
  readonly keys: readonly SqlValue[];
  readonly args: readonly CallArguments[];
}

/**
 * The row step before a grouping operator: evaluates the keys and the calls' arguments of each
 * row (a failure sends the row to the error stream whole). `windowKey` is the index of the key
 * that a window assigner stands for, left out of the group's key; -1 for none.
 */
export function groupRows(
  input: DataStream<SqlRow>,
  label: string,
  columns: readonly SqlField[],
  lowering: LoweringContext,
  keys: readonly CompiledExpression[],
  windowKey: number,
  calls: readonly AggregateCall[],
): DataStream<GroupInput> {
  return rowStep<GroupInput>(input, label, columns, lowering, (row, rowtime, context, emit) => {
    const values = new Array<SqlValue>(keys.length);
    let key = "";
    for (let i = 0; i < keys.length; i++) {
      const value = keys[i]!.evaluate(row, rowtime, context);
      values[i] = value;
      if (i !== windowKey) key += keyToken(value);
    }
    const args = evaluateCallArguments(calls, row, rowtime, context);
    emit({ key, keys: values, args, row }, rowtime);
  });
}
