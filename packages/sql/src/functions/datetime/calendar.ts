import type { DatetimeUnit } from "../../types/sql-type.ts";

/** Milliseconds per unit of a day-time interval. */
export const MS_PER_SECOND = 1000;
export const MS_PER_MINUTE = 60 * MS_PER_SECOND;
export const MS_PER_HOUR = 60 * MS_PER_MINUTE;
export const MS_PER_DAY = 24 * MS_PER_HOUR;

/** Milliseconds in one of a day-time unit (DAY…SECOND); YEAR and MONTH have no fixed length. */
export function msPerUnit(unit: DatetimeUnit): number {
  switch (unit) {
    case "DAY":
      return MS_PER_DAY;
    case "HOUR":
      return MS_PER_HOUR;
    case "MINUTE":
      return MS_PER_MINUTE;
    case "SECOND":
      return MS_PER_SECOND;
    default:
      throw new RangeError(`${unit} has no fixed length in milliseconds`);
  }
}

/** A date in the proleptic Gregorian calendar (as java.time; KDA's times are UTC). */
export interface CivilDate {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
}

/** Days since 1970-01-01 of a civil date (H. Hinnant's algorithm: exact, no allocation). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date of a day number (days since 1970-01-01). */
export function civilFromDays(days: number): CivilDate {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** Whether a year is a leap year (proleptic Gregorian). */
export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in a month of a year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** The day number (days since epoch) of an epoch-millisecond instant. */
export function dayNumber(ms: number): number {
  return Math.floor(ms / MS_PER_DAY);
}

/** Milliseconds since midnight of an instant (a TIME value). */
export function timeOfDay(ms: number): number {
  return ms - dayNumber(ms) * MS_PER_DAY;
}

/** The epoch ms of a civil date and time of day. */
export function epochMs(year: number, month: number, day: number, msOfDay = 0): number {
  return daysFromCivil(year, month, day) * MS_PER_DAY + msOfDay;
}

/**
 * Adds months to an instant, keeping the time of day and clamping the day to the month's last
 * (`2024-01-31 + 1 month = 2024-02-29`), as java.time and Calcite do.
 */
export function addMonths(ms: number, months: number): number {
  const days = dayNumber(ms);
  const time = ms - days * MS_PER_DAY;
  const date = civilFromDays(days);
  const total = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = total - year * 12 + 1;
  return epochMs(year, month, Math.min(date.day, daysInMonth(year, month)), time);
}

/** Whole months from `b` to `a` (negative when `a` is earlier), truncated like ChronoUnit.MONTHS. */
export function monthsBetween(a: number, b: number): number {
  const da = civilFromDays(dayNumber(a));
  const db = civilFromDays(dayNumber(b));
  let months = (da.year - db.year) * 12 + (da.month - db.month);
  // Compare the rest of the instants (day and time of day) to truncate toward zero.
  const restA = da.day * MS_PER_DAY + timeOfDay(a);
  const restB = db.day * MS_PER_DAY + timeOfDay(b);
  if (months > 0 && restA < restB) months--;
  else if (months < 0 && restA > restB) months++;
  return months;
}

/** The largest instant ≤ `ms` that is a whole `unit` (FLOOR(ts TO unit)). */
export function floorToUnit(ms: number, unit: DatetimeUnit): number {
  switch (unit) {
    case "YEAR":
      return epochMs(civilFromDays(dayNumber(ms)).year, 1, 1);
    case "MONTH": {
      const date = civilFromDays(dayNumber(ms));
      return epochMs(date.year, date.month, 1);
    }
    default: {
      const size = msPerUnit(unit);
      return Math.floor(ms / size) * size;
    }
  }
}

/** The smallest instant ≥ `ms` that is a whole `unit` (CEIL(ts TO unit)). */
export function ceilToUnit(ms: number, unit: DatetimeUnit): number {
  const floor = floorToUnit(ms, unit);
  if (floor === ms) return ms;
  if (unit === "YEAR") return addMonths(floor, 12);
  if (unit === "MONTH") return addMonths(floor, 1);
  return floor + msPerUnit(unit);
}
