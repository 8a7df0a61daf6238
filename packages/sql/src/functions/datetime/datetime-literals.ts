import { SqlFunctionError } from "../function-contract.ts";
import { civilFromDays, dayNumber, daysInMonth, epochMs, MS_PER_DAY, timeOfDay } from "./calendar.ts";

/**
 * The three datetime types.
 *
 * @example
 * const kind: DatetimeKind = "TIMESTAMP";
 */
export type DatetimeKind = "DATE" | "TIME" | "TIMESTAMP";

const DATE = /^(-?\d{4,})-(\d{1,2})-(\d{1,2})$/;
const TIME = /^(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;
const TIMESTAMP = /^(-?\d{4,})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?$/;

const FORMAT_OF: Record<DatetimeKind, string> = {
  DATE: "yyyy-MM-dd",
  TIME: "HH:mm:ss",
  TIMESTAMP: "yyyy-MM-dd HH:mm:ss",
};

/**
 * Parses the standard text of a datetime value, as KDA's literals (`TIMESTAMP '2004-09-30
 * 13:48:23'`) and casts from character strings accept it: `yyyy-MM-dd`, `HH:mm:ss[.fff]`,
 * `yyyy-MM-dd HH:mm:ss[.fff]`. Returns undefined when the text is not in that form or names no
 * real date or time (fractions beyond milliseconds are truncated: KDA keeps milliseconds).
 */
export function parseDatetimeText(kind: DatetimeKind, text: string): number | undefined {
  switch (kind) {
    case "DATE": {
      const m = DATE.exec(text);
      return m === null ? undefined : dateOf(m[1]!, m[2]!, m[3]!);
    }
    case "TIME": {
      const m = TIME.exec(text);
      return m === null ? undefined : timeOf(m[1]!, m[2]!, m[3]!, m[4]);
    }
    case "TIMESTAMP": {
      const m = TIMESTAMP.exec(text);
      if (m === null) return undefined;
      const date = dateOf(m[1]!, m[2]!, m[3]!);
      const time = timeOf(m[4]!, m[5]!, m[6]!, m[7]);
      return date === undefined || time === undefined ? undefined : date + time;
    }
  }
}

function dateOf(year: string, month: string, day: string): number | undefined {
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  return epochMs(y, m, d);
}

function timeOf(
  hour: string,
  minute: string,
  second: string,
  fraction: string | undefined,
): number | undefined {
  const h = Number(hour);
  const m = Number(minute);
  const s = Number(second);
  if (h > 23 || m > 59 || s > 59) return undefined;
  const ms = fraction === undefined ? 0 : Math.trunc(Number(`0.${fraction}`) * 1000 + 1e-6);
  return ((h * 60 + m) * 60 + s) * 1000 + ms;
}

/**
 * The value of a datetime literal (`DATE '2004-12-02'`); throws KDA's message for a malformed one:
 * `Illegal TIMESTAMP literal '2007-02-19 21:25': not in format 'yyyy-MM-dd HH:mm:ss'`.
 *
 * @example
 * parseDatetimeLiteral("TIMESTAMP", "2004-09-30 13:48:23"); // 1096552103000
 */
export function parseDatetimeLiteral(kind: DatetimeKind, text: string): number {
  const value = parseDatetimeText(kind, text);
  if (value === undefined) {
    throw new SqlFunctionError(`Illegal ${kind} literal '${text}': not in format '${FORMAT_OF[kind]}'`);
  }
  return value;
}

function pad(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, "0");
  return value < 0 ? `-${digits}` : digits;
}

/** `yyyy-MM-dd` of a DATE (or of a TIMESTAMP's day). */
export function formatDate(ms: number): string {
  const date = civilFromDays(dayNumber(ms));
  return `${pad(date.year, 4)}-${pad(date.month, 2)}-${pad(date.day, 2)}`;
}

/** `HH:mm:ss` of a TIME (or of a TIMESTAMP's time of day), with `.SSS` when there are milliseconds. */
export function formatTime(ms: number): string {
  const time = timeOfDay(ms);
  const millis = time % 1000;
  const seconds = Math.floor(time / 1000);
  const text = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  return millis === 0 ? text : `${text}.${pad(millis, 3)}`;
}

/** `yyyy-MM-dd HH:mm:ss[.SSS]` of a TIMESTAMP, as KDA casts it to a character string. */
export function formatTimestamp(ms: number): string {
  return `${formatDate(ms)} ${formatTime(ms)}`;
}

/**
 * The text of a datetime value of a kind, as KDA casts it to a character string:
 * `yyyy-MM-dd`, `HH:mm:ss`, `yyyy-MM-dd HH:mm:ss` (with `.SSS` when there are milliseconds).
 *
 * @example
 * formatDatetime("TIMESTAMP", Date.UTC(2007, 1, 19, 21, 25, 35)); // "2007-02-19 21:25:35"
 */
export function formatDatetime(kind: DatetimeKind, ms: number): string {
  return kind === "DATE" ? formatDate(ms) : kind === "TIME" ? formatTime(ms) : formatTimestamp(ms);
}

/** Brings an instant to a kind's values: DATE keeps the day, TIME the time of day. */
export function toKind(kind: DatetimeKind, ms: number): number {
  if (kind === "DATE") return dayNumber(ms) * MS_PER_DAY;
  if (kind === "TIME") return timeOfDay(ms);
  return ms;
}
