import type { DayTimeInterval, YearMonthInterval } from "../../src/index.ts";

/**
 * The date given to times that a page prints without one (`10:00:45` in the join examples): the
 * examples only depend on times of day, so any date works; this one is fixed so that fixtures are
 * reproducible.
 */
export const TIME_ONLY_DATE = "2000-01-01";

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?$/;

function milliseconds(fraction: string | undefined): number {
  return fraction === undefined ? 0 : Number(fraction.padEnd(3, "0"));
}

/** Epoch ms of a UTC date and time; unlike `Date.UTC`, years 0–99 stay years 0–99 (`'0009-01-01 00:00:00'`). */
function utc(year: number, month: number, day: number, ms: number): number {
  const at = new Date(0);
  at.setUTCFullYear(year, month - 1, day);
  return at.getTime() + ms;
}

function fields(text: string, pattern: RegExp, what: string): string[] {
  const match = pattern.exec(text);
  if (match === null) throw new Error(`golden fixture: ${JSON.stringify(text)} is not a ${what}`);
  return match.slice(1).map((part) => part ?? "");
}

/**
 * A timestamp printed as `yyyy-MM-dd HH:mm:ss[.SSS]` (or with `T`), read as UTC → epoch ms.
 *
 * @example
 * timestamp("2004-09-30 13:48:20"); // 1096552100000
 */
export function timestamp(text: string): number {
  const [y, mo, d, h, mi, s, f] = fields(text, TIMESTAMP, "timestamp yyyy-MM-dd HH:mm:ss[.SSS]");
  return utc(Number(y), Number(mo), Number(d), time(`${h}:${mi}:${s}${f ? `.${f}` : ""}`));
}

/**
 * A DATE printed as `yyyy-MM-dd` → epoch ms of its midnight UTC.
 *
 * @example
 * date("2004-12-02");
 */
export function date(text: string): number {
  const [y, mo, d] = fields(text, DATE, "date yyyy-MM-dd");
  return utc(Number(y), Number(mo), Number(d), 0);
}

/**
 * A TIME printed as `HH:mm:ss[.SSS]` → ms since midnight.
 *
 * @example
 * time("12:03:34"); // 43414000
 */
export function time(text: string): number {
  const [h, mi, s, f] = fields(text, TIME, "time HH:mm:ss[.SSS]");
  return ((Number(h) * 60 + Number(mi)) * 60 + Number(s)) * 1000 + milliseconds(f || undefined);
}

/**
 * A timestamp that the page prints as a time of day only (`10:00:45`), placed on
 * {@link TIME_ONLY_DATE} → epoch ms.
 *
 * @example
 * timeOfDay("10:00:45");
 */
export function timeOfDay(text: string): number {
  return date(TIME_ONLY_DATE) + time(text);
}

/** The fields of a day-time interval as printed (`'-2 04' DAY TO HOUR` → negative, 2 days, 4 hours). */
export interface DayTimeFields {
  readonly negative?: boolean;
  readonly days?: number;
  readonly hours?: number;
  readonly minutes?: number;
  readonly seconds?: number;
  readonly milliseconds?: number;
}

/**
 * A day-time interval from the fields the page prints.
 *
 * @example
 * dayTime({ negative: true, days: 2, hours: 4 }); // INTERVAL '-2 04' DAY TO HOUR
 */
export function dayTime(printed: DayTimeFields): DayTimeInterval {
  const { days = 0, hours = 0, minutes = 0, seconds = 0, milliseconds: ms = 0 } = printed;
  const length = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000 + ms;
  return { kind: "day-time", ms: printed.negative === true ? -length : length };
}

/**
 * A year-month interval from the fields the page prints.
 *
 * @example
 * yearMonth({ years: 4, months: 4 }); // INTERVAL '+4-04' YEAR TO MONTH
 */
export function yearMonth(printed: {
  readonly negative?: boolean;
  readonly years?: number;
  readonly months?: number;
}): YearMonthInterval {
  const length = (printed.years ?? 0) * 12 + (printed.months ?? 0);
  return { kind: "year-month", months: printed.negative === true ? -length : length };
}
