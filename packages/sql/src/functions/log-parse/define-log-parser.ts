import type { SqlValue } from "../../types/sql-value.ts";
import {
  type ArgumentInfo,
  type EvaluationContext,
  type ScalarSqlFunction,
  SqlFunctionError,
} from "../function-contract.ts";
import { hasNull, wrongTypes } from "../support/arguments.ts";
import { isCharacterArgument } from "../support/character-arguments.ts";
import { literalArgument } from "../support/define-scalar.ts";
import { type ParsedColumn, rowType } from "./column-list.ts";

/** A log parser compiled for its literal settings: its columns and the function of the line. */
export interface CompiledLogParser {
  readonly columns: readonly ParsedColumn[];
  parse(line: string, context: EvaluationContext): SqlValue;
}

/**
 * A row-valued log-parsing function: the line is its first argument, the rest are literal
 * settings compiled once per call site (a pattern, a column list, a delimiter). NULL line → NULL.
 */
export function logParser(spec: {
  readonly name: string;
  readonly arity: readonly [number, number];
  /** What the arguments must be, for error messages. */
  readonly expected: string;
  /** Which settings must be character strings (the others are checked by `compile`). */
  readonly characterSettings?: readonly number[];
  compile(args: readonly ArgumentInfo[]): CompiledLogParser;
}): ScalarSqlFunction {
  const check = (args: readonly ArgumentInfo[]) => {
    if (args.length < spec.arity[0] || args.length > spec.arity[1]) {
      throw new SqlFunctionError(`${spec.name} expects ${spec.expected}; got ${args.length} arguments`);
    }
    const characters = [0, ...(spec.characterSettings ?? [])];
    if (characters.some((i) => args[i] !== undefined && !isCharacterArgument(args[i]!.type))) {
      wrongTypes(spec.name, spec.expected, args);
    }
  };
  return {
    kind: "scalar",
    name: spec.name,
    returnType: (args) => {
      check(args);
      return rowType(spec.compile(args).columns);
    },
    prepare: (args) => {
      check(args);
      const parser = spec.compile(args);
      return (values, context) => (values[0] === null ? null : parser.parse(values[0] as string, context));
    },
    evaluate: (values, context) => {
      if (values[0] === null || hasNull(values.slice(1))) return null;
      return spec.compile(values.map(literalArgument)).parse(values[0] as string, context);
    },
  };
}
