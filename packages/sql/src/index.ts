/**
 * Kinesis Data Analytics SQL applications on Eddy: the dialect's types and values, its built-in
 * functions, and (as the package grows) the parser, checker and planner that lower an application
 * onto Eddy's operators.
 * @packageDocumentation
 * @module @eddy/sql
 */

export {
  type AggregateCallOptions,
  type AggregateSqlFunction,
  type AnalyticSqlFunction,
  type ArgumentInfo,
  type EvaluationContext,
  type ScalarSqlFunction,
  type SqlFunction,
  SqlFunctionError,
  type TableEmit,
  type TableFunctionInstance,
  type TableSqlFunction,
} from "./functions/function-contract.ts";
export {
  formatSqlType,
  isCharacterType,
  isDatetimeType,
  isIntegerType,
  isNumericType,
  type SqlField,
  type SqlType,
  type SqlTypeName,
} from "./types/sql-type.ts";
export type {
  DayTimeInterval,
  SqlInterval,
  SqlRowValue,
  SqlValue,
  YearMonthInterval,
} from "./types/sql-value.ts";
