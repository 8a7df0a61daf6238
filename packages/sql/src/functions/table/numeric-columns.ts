import { formatSqlType, isNumericType, type SqlField } from "../../types/sql-type.ts";
import type { TableArguments } from "./table-arguments.ts";

/**
 * The cursor's numeric columns, which the machine-learning functions read (KDA: "A stream record can
 * have non-numeric columns, but the function uses only numeric columns"). DECIMAL is refused, as KDA
 * documents ("DECIMAL is not a supported type. Use DOUBLE instead."), and so is a cursor with none,
 * or with more than `max`.
 */
export function numericColumns(
  args: TableArguments,
  input: readonly SqlField[],
  max?: number,
): readonly SqlField[] {
  const decimal = input.find((f) => f.type.name === "DECIMAL");
  if (decimal) {
    throw args.error(
      `does not accept the DECIMAL column ${decimal.name} (${formatSqlType(decimal.type)}): DECIMAL is not a supported type. Use DOUBLE instead (CAST(${decimal.name} AS DOUBLE) in the cursor)`,
    );
  }
  const numeric = input.filter((f) => isNumericType(f.type));
  if (numeric.length === 0) {
    throw args.error(
      `needs at least one numeric column (TINYINT, SMALLINT, INTEGER, BIGINT, REAL or DOUBLE) in its cursor; got ${input.map((f) => `${f.name} ${formatSqlType(f.type)}`).join(", ") || "no columns"}`,
    );
  }
  if (max !== undefined && numeric.length > max) {
    throw args.error(`accepts at most ${max} numeric columns, the cursor has ${numeric.length}`);
  }
  return numeric;
}
