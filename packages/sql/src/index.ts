/**
 * Kinesis Data Analytics SQL applications on Eddy: the dialect's types and values, its built-in
 * functions, the parser, checker and planner ({@link compileSql}, {@link planSqlApplication}),
 * the lowering of a plan onto Eddy's operators ({@link lowerPlan}), {@link explainPlan}, and the
 * application layer around the SQL (KDA's application description, input mapping, Lambda
 * preprocessing and outputs, reference data, output formats) that `eddy-sql run` wires up.
 * @packageDocumentation
 * @module @eddy/sql
 */

export * from "./application/index.ts";
export { planSqlApplication } from "./application/plan-sql-application.ts";
export { SqlCheckError } from "./check/check-error.ts";
export { explainPlan } from "./explain/explain-plan.ts";
export { explainTypeScript } from "./explain/explain-typescript.ts";
export { type Cast, compileCast } from "./functions/conversion/cast.ts";
export {
  coerceJsonValue,
  compileJsonCoercion,
  type JsonCoercion,
} from "./functions/conversion/coerce-json.ts";
export { parseSqlTypeText } from "./functions/conversion/sql-type-text.ts";
export {
  type DatetimeKind,
  formatDatetime,
  parseDatetimeLiteral,
} from "./functions/datetime/datetime-literals.ts";
export {
  formatInterval,
  parseIntervalLiteral,
  parseQualifier,
} from "./functions/datetime/interval-literals.ts";
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
  type ArithmeticKind,
  type ArithmeticOperator,
  type ArithmeticTyping,
  arithmeticType,
  numericResultType,
} from "./functions/numeric/arithmetic-types.ts";
export { builtinFunctions, createFunctionRegistry } from "./functions/registry.ts";
export { compareValues } from "./functions/support/compare-values.ts";
export {
  type LoweredPlan,
  type LowerPlanOptions,
  lowerPlan,
  type PlanSources,
} from "./operators/lower-plan.ts";
export { ERROR_STREAM, ERROR_STREAM_COLUMNS } from "./plan/error-stream.ts";
export {
  type AggregateCall,
  type AnalyticCall,
  type CompiledExpression,
  type DistinctNode,
  type FilterNode,
  type InputStreamDef,
  type JoinWindow,
  type LogicalPlan,
  type OverCall,
  type OverNode,
  type OverWindow,
  type PlanNode,
  type PlanNodeBase,
  type ProjectNode,
  type PumpDef,
  planInputs,
  type QueryDef,
  type ReferenceTableDef,
  type RowtimeBuckets,
  type RowtimePolicy,
  type ScanNode,
  type SortKey,
  type SortNode,
  type SqlRow,
  type StaggerAggregateNode,
  type StreamDef,
  type StreamJoinNode,
  type TableFunctionNode,
  type TableJoinNode,
  type TSortNode,
  type TumblingAggregateNode,
  type UnaryPlanNode,
  type UnionNode,
  type ValuesNode,
} from "./plan/logical-plan.ts";
export { compileSql } from "./planner/compile-sql.ts";
export { SqlPlanError } from "./planner/plan-application.ts";
export type { SourceSpan } from "./syntax/ast.ts";
export type { SqlLocation } from "./syntax/source-excerpt.ts";
export { SqlError, SqlSyntaxError } from "./syntax/sql-error.ts";
export {
  type DatetimeUnit,
  formatSqlType,
  type IntervalQualifier,
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
