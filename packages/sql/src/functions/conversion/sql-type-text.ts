import type { SqlType, SqlTypeName } from "../../types/sql-type.ts";
import { parseQualifier } from "../datetime/interval-literals.ts";
import { SqlFunctionError } from "../function-contract.ts";
import { intervalType } from "../support/sql-types.ts";

const NAMES: Record<string, SqlTypeName> = {
  TINYINT: "TINYINT",
  SMALLINT: "SMALLINT",
  INTEGER: "INTEGER",
  INT: "INTEGER",
  BIGINT: "BIGINT",
  DECIMAL: "DECIMAL",
  DEC: "DECIMAL",
  NUMERIC: "DECIMAL",
  REAL: "REAL",
  FLOAT: "DOUBLE",
  DOUBLE: "DOUBLE",
  "DOUBLE PRECISION": "DOUBLE",
  CHAR: "CHAR",
  CHARACTER: "CHAR",
  VARCHAR: "VARCHAR",
  "CHAR VARYING": "VARCHAR",
  "CHARACTER VARYING": "VARCHAR",
  BINARY: "BINARY",
  VARBINARY: "VARBINARY",
  "BINARY VARYING": "VARBINARY",
  BOOLEAN: "BOOLEAN",
  DATE: "DATE",
  TIME: "TIME",
  TIMESTAMP: "TIMESTAMP",
};

const TYPE_TEXT =
  /^\s*([A-Za-z]+(?:\s+(?:PRECISION|VARYING))?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*(NOT\s+NULL)?\s*$/i;

/**
 * Reads a SQL type as written in KDA (`VARCHAR(16)`, `DECIMAL(5,2)`, `DOUBLE PRECISION`,
 * `INTERVAL DAY TO SECOND`, `TIMESTAMP NOT NULL`): the `SqlType` strings of an application's input
 * schema, the column lists of the log parsers, CAST's target as the parser passes it.
 *
 * @example
 * parseSqlTypeText("DECIMAL(5,2)"); // { name: "DECIMAL", precision: 5, scale: 2, nullable: true }
 */
export function parseSqlTypeText(text: string): SqlType {
  const interval = /^\s*INTERVAL\s+(.+?)\s*(NOT\s+NULL)?\s*$/i.exec(text);
  if (interval !== null) return intervalType(parseQualifier(interval[1]!), interval[2] === undefined);
  const m = TYPE_TEXT.exec(text);
  const name = m === null ? undefined : NAMES[m[1]!.toUpperCase().replace(/\s+/g, " ")];
  if (m === null || name === undefined) throw new SqlFunctionError(`Unknown SQL type '${text.trim()}'`);
  const first = m[2] === undefined ? undefined : Number(m[2]);
  const second = m[3] === undefined ? undefined : Number(m[3]);
  const nullable = m[4] === undefined;
  if (name === "DECIMAL") {
    const precision = first ?? 18;
    const scale = second ?? 0;
    if (precision < 1 || precision > 18 || scale > precision) {
      throw new SqlFunctionError(
        `DECIMAL(${precision}, ${scale}): precision must be 1 to 18 and scale at most the precision`,
      );
    }
    return { name, precision, scale, nullable };
  }
  if (second !== undefined)
    throw new SqlFunctionError(`Type ${name} takes at most one parameter: '${text.trim()}'`);
  if (first !== undefined) {
    if (!["CHAR", "VARCHAR", "BINARY", "VARBINARY"].includes(name)) {
      throw new SqlFunctionError(`Type ${name} takes no length: '${text.trim()}'`);
    }
    if (first < 1 || first >= 65535)
      throw new SqlFunctionError(`${name}(${first}): the length must be 1 to 65534`);
    return { name, length: first, nullable };
  }
  // CHAR without a length is CHAR(1), as in SQL:2008.
  return name === "CHAR" ? { name, length: 1, nullable } : { name, nullable };
}
