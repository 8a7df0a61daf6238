import type { SqlType } from "../../types/sql-type.ts";
import type { SqlValue } from "../../types/sql-value.ts";

/**
 * The type a run-time value most plausibly has, for calls made without a plan: integers as
 * BIGINT, other numbers as DOUBLE, strings as VARCHAR of their length.
 */
export function typeOfValue(value: SqlValue): SqlType {
  if (value === null) return { name: "NULL", nullable: true };
  switch (typeof value) {
    case "number":
      return { name: Number.isInteger(value) ? "BIGINT" : "DOUBLE", nullable: false };
    case "string":
      return { name: "VARCHAR", length: Math.max(value.length, 1), nullable: false };
    case "boolean":
      return { name: "BOOLEAN", nullable: false };
    default:
      if (value instanceof Uint8Array) return { name: "VARBINARY", length: value.length, nullable: false };
      if ("kind" in value && value.kind === "day-time") return { name: "INTERVAL_DAY_TIME", nullable: false };
      if ("kind" in value && value.kind === "year-month")
        return { name: "INTERVAL_YEAR_MONTH", nullable: false };
      return { name: "ROW", nullable: false };
  }
}
