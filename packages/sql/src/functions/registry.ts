import { aggregateFamily } from "./aggregate/index.ts";
import { analyticFamily } from "./analytic/analytic-functions.ts";
import { comparisonOperators, monotonicFunction } from "./comparison/comparison-operators.ts";
import { conversionFamily } from "./conversion/index.ts";
import { datetimeFamily } from "./datetime/index.ts";
import { type SqlFunction, SqlFunctionError } from "./function-contract.ts";
import { logParseFamily } from "./log-parse/index.ts";
import { nullFunctions } from "./null/null-functions.ts";
import { numericFamily } from "./numeric/index.ts";
import { stringFamily } from "./string/index.ts";

const BUILTINS: readonly SqlFunction[] = [
  ...numericFamily,
  ...stringFamily,
  ...datetimeFamily,
  ...conversionFamily,
  ...nullFunctions,
  ...comparisonOperators,
  monotonicFunction,
  ...aggregateFamily,
  ...analyticFamily,
  ...logParseFamily,
];

let builtins: ReadonlyMap<string, SqlFunction> | undefined;

/**
 * KDA SQL's built-in functions and operators by upper-case name: scalar functions, aggregates
 * (GROUP BY, STAGGER, OVER), analytic functions and the row-valued log parsers. The table
 * functions (RANDOM_CUT_FOREST…) are added with {@link createFunctionRegistry}.
 *
 * The parser lowers KDA's special call syntax to plain calls of these names, keywords and types
 * passed as character literals:
 *
 * | SQL | call |
 * | --- | --- |
 * | `a + b`, `a - b`, `a * b`, `a / b`, `-a` | `+`, `-`, `*`, `/` (a, b); `NEGATE`(a) |
 * | `(a - b) DAY TO SECOND` | `-`(a, b, 'DAY TO SECOND') |
 * | `a = b`, `<>`, `<`, `<=`, `>`, `>=` | `=`(a, b) … |
 * | `a \|\| b` | `\|\|`(a, b) |
 * | `s LIKE p [ESCAPE e]`, `s SIMILAR TO p [ESCAPE e]` | `LIKE`(s, p[, e]), `SIMILAR TO`(s, p[, e]) |
 * | `CAST(x AS VARCHAR(8))` | `CAST`(x, 'VARCHAR(8)') |
 * | `EXTRACT(HOUR FROM x)` | `EXTRACT`('HOUR', x) |
 * | `FLOOR(x TO HOUR)`, `CEIL(x TO DAY)` | `FLOOR`(x, 'HOUR'), `CEIL`(x, 'DAY') |
 * | `STEP(x BY i)` | `STEP`(x, i) |
 * | `POSITION(a IN b)` | `POSITION`(a, b) |
 * | `OVERLAY(s PLACING r FROM i [FOR n])` | `OVERLAY`(s, r, i[, n]) |
 * | `SUBSTRING(s, i[, n])` | `SUBSTRING`(s, i[, n]) (NULL past the end) |
 * | `SUBSTRING(s FROM i [FOR n])`, `SUBSTRING(s FROM 'regex')` | `SUBSTRING FROM`(s, i[, n]) (empty past the end), `SUBSTRING FROM`(s, 'regex') |
 * | `SUBSTRING(s SIMILAR p ESCAPE e)` | `SUBSTRING SIMILAR`(s, p, e) |
 * | `TRIM(s)`, `TRIM([LEADING\|TRAILING\|BOTH] [c] FROM s)` | `TRIM`(s), `TRIM`('BOTH', ' ', s) |
 * | `CURRENT_TIMESTAMP`, `LOCALTIME`… (no parentheses) | `CURRENT_TIMESTAMP`() … |
 * | `COUNT(*)`, `FIRST_VALUE(x) IGNORE NULLS`, `NTH_VALUE(x, n) FROM LAST` | aggregate options `star`, `nulls`, `from` |
 *
 * Aggregates with `rowtimeArgument` (EXP_AVG) get the row's ROWTIME as one more input value.
 *
 * @example
 * const functions = builtinFunctions();
 * const upper = functions.get("UPPER"); // { kind: "scalar", name: "UPPER", ... }
 * const sum = functions.get("SUM"); // { kind: "aggregate", ... }
 */
export function builtinFunctions(): ReadonlyMap<string, SqlFunction> {
  builtins ??= registryOf(BUILTINS);
  return builtins;
}

/**
 * The built-in functions plus `extra` ones (the table functions), by upper-case name; a name
 * given twice is an error.
 *
 * @example
 * declare const randomCutForest: TableSqlFunction;
 * const functions = createFunctionRegistry({ extra: [randomCutForest] });
 */
export function createFunctionRegistry(
  options: { readonly extra?: readonly SqlFunction[] } = {},
): ReadonlyMap<string, SqlFunction> {
  return registryOf([...BUILTINS, ...(options.extra ?? [])]);
}

function registryOf(functions: readonly SqlFunction[]): ReadonlyMap<string, SqlFunction> {
  const byName = new Map<string, SqlFunction>();
  for (const fn of functions) {
    if (byName.has(fn.name)) throw new SqlFunctionError(`Two functions are named ${fn.name}`);
    byName.set(fn.name, fn);
  }
  return byName;
}
