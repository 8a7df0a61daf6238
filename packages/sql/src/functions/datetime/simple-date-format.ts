import { SqlFunctionError } from "../function-contract.ts";
import {
  civilFromDays,
  dayNumber,
  daysFromCivil,
  daysInMonth,
  epochMs,
  isLeapYear,
  MS_PER_DAY,
  MS_PER_HOUR,
  MS_PER_MINUTE,
} from "./calendar.ts";

/**
 * Java's `SimpleDateFormat` patterns, as KDA's CHAR_TO_TIMESTAMP, TIMESTAMP_TO_CHAR and the log
 * parsers use them (sql-reference-parse-timestamp-format.html), compiled once per pattern. The
 * time zone is UTC (KDA's clock) and the locale US English; the calendar is proleptic Gregorian
 * (java.time's, not the Julian calendar `GregorianCalendar` uses before 1582).
 *
 * Parsing follows `DateFormat.parse(String)` with `setLenient(false)`, as KDA's documented
 * examples show: text after the pattern is ignored (`'yyyy'` reads `2009` from
 * `'2009-09-16 03:15:24'`), spaces before a field are skipped, a number field takes all its digits
 * unless another field follows it directly, out-of-range values fail (`MM` = 2009 gives no
 * result), omitted fields default to 1970-01-01 00:00:00.000, a two-digit `yy` year lands within
 * 80 years before and 20 after `now` (only when no space precedes it: `' 10'` is the year 10). One leniency KDA documents: `hh` accepts `00` as well as `12`.
 * Fields that only name a week (`w`, `W`, `F`, `u`, `E`, `Y`) are checked but do not move the date.
 */
export interface DateFormat {
  /** The pattern as given. */
  readonly pattern: string;
  /** Formats an instant (epoch ms, UTC). */
  format(ms: number): string;
  /** Parses a prefix of `text`; undefined when it does not fit the pattern. */
  parse(text: string, now: number): number | undefined;
}

type Token = { readonly literal: string } | { readonly letter: string; readonly count: number };

const LETTERS = "GyYMLwWDdFEuaHkKhmsSzZX";
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/** Splits a pattern into fields and literal text (`'...'` quotes literal text, `''` is a quote). */
function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  let literal = "";
  const flush = () => {
    if (literal !== "") tokens.push({ literal });
    literal = "";
  };
  for (let i = 0; i < pattern.length; ) {
    const c = pattern[i]!;
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        literal += "'";
        i += 2;
        continue;
      }
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new SqlFunctionError(`Unterminated quote in date format '${pattern}'`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            literal += "'";
            j += 2;
            continue;
          }
          break;
        }
        literal += pattern[j];
        j++;
      }
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!LETTERS.includes(c)) {
        throw new SqlFunctionError(`Illegal pattern character '${c}' in date format '${pattern}'`);
      }
      let j = i;
      while (pattern[j] === c) j++;
      if (c === "X" && j - i > 3)
        throw new SqlFunctionError(`Invalid ISO 8601 format length in '${pattern}'`);
      flush();
      tokens.push({ letter: c, count: j - i });
      i = j;
    } else {
      literal += c;
      i++;
    }
  }
  flush();
  return tokens;
}

function isNumeric(token: Token): boolean {
  if (!("letter" in token)) return false;
  switch (token.letter) {
    case "G":
    case "E":
    case "a":
    case "z":
    case "Z":
    case "X":
      return false;
    case "M":
    case "L":
      return token.count <= 2;
    default:
      return true;
  }
}

function pad(value: number, width: number): string {
  const digits = String(Math.abs(value)).padStart(width, "0");
  return value < 0 ? `-${digits}` : digits;
}

/** The fields of an instant that formatting reads. */
interface Fields {
  year: number;
  month: number;
  day: number;
  dayOfYear: number;
  /** 0 = Sunday … 6 = Saturday. */
  dayOfWeek: number;
  msOfDay: number;
  days: number;
}

function fieldsOf(ms: number): Fields {
  const days = dayNumber(ms);
  const date = civilFromDays(days);
  return {
    year: date.year,
    month: date.month,
    day: date.day,
    dayOfYear: days - daysFromCivil(date.year, 1, 1) + 1,
    dayOfWeek: (((days + 4) % 7) + 7) % 7,
    msOfDay: ms - days * MS_PER_DAY,
    days,
  };
}

/** Week of year and its week-based year, US rules (weeks start on Sunday; week 1 holds January 1). */
function weekOfYear(f: Fields): { week: number; weekYear: number } {
  const yearLength = isLeapYear(f.year) ? 366 : 365;
  if (f.dayOfWeek + (yearLength - f.dayOfYear) < 6) return { week: 1, weekYear: f.year + 1 };
  const jan1 = (((f.dayOfWeek - (f.dayOfYear - 1)) % 7) + 7) % 7;
  return { week: Math.floor((f.dayOfYear - 1 + jan1) / 7) + 1, weekYear: f.year };
}

function formatField(letter: string, count: number, f: Fields): string {
  const hour = Math.floor(f.msOfDay / MS_PER_HOUR);
  switch (letter) {
    case "G":
      return f.year > 0 ? "AD" : "BC";
    case "y":
    case "Y": {
      const year = letter === "y" ? f.year : weekOfYear(f).weekYear;
      const ofEra = year > 0 ? year : 1 - year;
      return count === 2 ? pad(ofEra % 100, 2) : pad(ofEra, count);
    }
    case "M":
    case "L":
      return count >= 4
        ? MONTHS[f.month - 1]!
        : count === 3
          ? MONTHS[f.month - 1]!.slice(0, 3)
          : pad(f.month, count);
    case "w":
      return pad(weekOfYear(f).week, count);
    case "W": {
      const first = (((f.dayOfWeek - (f.day - 1)) % 7) + 7) % 7;
      return pad(Math.floor((f.day - 1 + first) / 7) + 1, count);
    }
    case "D":
      return pad(f.dayOfYear, count);
    case "d":
      return pad(f.day, count);
    case "F":
      return pad(Math.floor((f.day - 1) / 7) + 1, count);
    case "E":
      return count >= 4 ? DAYS[f.dayOfWeek]! : DAYS[f.dayOfWeek]!.slice(0, 3);
    case "u":
      return pad(f.dayOfWeek === 0 ? 7 : f.dayOfWeek, count);
    case "a":
      return hour < 12 ? "AM" : "PM";
    case "H":
      return pad(hour, count);
    case "k":
      return pad(hour === 0 ? 24 : hour, count);
    case "K":
      return pad(hour % 12, count);
    case "h":
      return pad(hour % 12 === 0 ? 12 : hour % 12, count);
    case "m":
      return pad(Math.floor(f.msOfDay / MS_PER_MINUTE) % 60, count);
    case "s":
      return pad(Math.floor(f.msOfDay / 1000) % 60, count);
    case "S":
      return pad(f.msOfDay % 1000, count);
    case "z":
      return count >= 4 ? "Coordinated Universal Time" : "UTC";
    case "Z":
      return "+0000";
    default:
      return "Z"; // X: ISO 8601 writes a zero offset as Z
  }
}

/** Fields read while parsing; undefined until the pattern sets them. */
interface Parsed {
  era?: number;
  year?: number;
  month?: number;
  day?: number;
  dayOfYear?: number;
  hourOfDay?: number;
  hour12?: number;
  pm?: boolean;
  minute?: number;
  second?: number;
  millisecond?: number;
  offsetMs?: number;
}

/** Case-insensitive longest match of one of `names` at `pos`; its index, or -1. */
function matchName(text: string, pos: number, names: readonly string[]): { index: number; length: number } {
  let best = { index: -1, length: 0 };
  const rest = text.slice(pos).toLowerCase();
  names.forEach((name, index) => {
    if (name.length > best.length && rest.startsWith(name.toLowerCase()))
      best = { index, length: name.length };
  });
  return best;
}

const ZONE_NAMES = ["UTC", "GMT", "Coordinated Universal Time", "Greenwich Mean Time", "Z"];

/** A time zone offset at `pos`: UTC/GMT names, `GMT±h[:mm]`, RFC 822 `±hhmm`, ISO `±hh[[:]mm]`. */
function parseZone(text: string, pos: number): { offsetMs: number; end: number } | undefined {
  const named = matchName(text, pos, ZONE_NAMES);
  let at = pos;
  if (named.index >= 0) {
    at += named.length;
    if (named.index > 1 || (text[at] !== "+" && text[at] !== "-")) return { offsetMs: 0, end: at };
  }
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?/.exec(text.slice(at));
  if (m === null) return named.index >= 0 ? { offsetMs: 0, end: at } : undefined;
  const hours = Number(m[2]);
  const minutes = m[3] === undefined ? 0 : Number(m[3]);
  if (hours > 23 || minutes > 59) return undefined;
  return {
    offsetMs: (m[1] === "-" ? -1 : 1) * (hours * MS_PER_HOUR + minutes * MS_PER_MINUTE),
    end: at + m[0].length,
  };
}

/** Validation ranges of number fields (non-lenient parsing). */
const RANGES: Record<string, readonly [number, number]> = {
  M: [1, 12],
  L: [1, 12],
  w: [1, 53],
  W: [0, 6],
  D: [1, 366],
  d: [1, 31],
  F: [1, 5],
  u: [1, 7],
  H: [0, 23],
  k: [1, 24],
  K: [0, 11],
  h: [0, 12],
  m: [0, 59],
  s: [0, 59],
  S: [0, 999],
};

/** The default century's first year for two-digit years: 80 years before `now`. */
function centuryStart(now: number): number {
  return civilFromDays(dayNumber(now)).year - 80;
}

function parseTokens(tokens: readonly Token[], text: string, now: number): number | undefined {
  const p: Parsed = {};
  let pos = 0;
  for (let t = 0; t < tokens.length; t++) {
    const token = tokens[t]!;
    if ("literal" in token) {
      if (!text.startsWith(token.literal, pos)) return undefined;
      pos += token.literal.length;
      continue;
    }
    const fieldStart = pos;
    while (text[pos] === " " || text[pos] === "\t") pos++;
    if (pos >= text.length) return undefined;
    const { letter, count } = token;
    if (isNumeric(token)) {
      // A field directly followed by another field takes exactly `count` characters.
      const next = tokens[t + 1];
      const limit = next !== undefined && "letter" in next ? pos + count : text.length;
      const m = /^-?\d+/.exec(text.slice(pos, limit));
      if (m === null) return undefined;
      const digits = m[0];
      pos += digits.length;
      let value = Number(digits);
      if (letter === "y" || letter === "Y") {
        // Only a field of exactly two digits is a short year, and the spaces skipped before it
        // count (as in the JDK SimpleDateFormat KDA runs on): `y` reads ' 10' as the year 10,
        // as KDA's CHAR_TO_TIMESTAMP('MMM dd,y', 'March 7, 10') prints 0010-03-07.
        if (count <= 2 && /^\d\d$/.test(text.slice(fieldStart, pos))) {
          const start = centuryStart(now);
          value += Math.floor(start / 100) * 100;
          if (value < start) value += 100;
        }
        if (letter === "y") p.year = value;
        continue;
      }
      const range = RANGES[letter]!;
      if (value < range[0] || value > range[1]) return undefined;
      switch (letter) {
        case "M":
        case "L":
          p.month = value;
          break;
        case "D":
          p.dayOfYear = value;
          break;
        case "d":
          p.day = value;
          break;
        case "H":
          p.hourOfDay = value;
          break;
        case "k":
          p.hourOfDay = value === 24 ? 0 : value;
          break;
        case "K":
          p.hour12 = value;
          break;
        case "h":
          p.hour12 = value === 12 ? 0 : value;
          break;
        case "m":
          p.minute = value;
          break;
        case "s":
          p.second = value;
          break;
        case "S":
          p.millisecond = value;
          break;
      }
      continue;
    }
    switch (letter) {
      case "G": {
        const m = matchName(text, pos, ["BC", "AD"]);
        if (m.index < 0) return undefined;
        p.era = m.index;
        pos += m.length;
        break;
      }
      case "M":
      case "L": {
        const m = matchName(text, pos, [...MONTHS, ...MONTHS.map((n) => n.slice(0, 3))]);
        if (m.index < 0) return undefined;
        p.month = (m.index % 12) + 1;
        pos += m.length;
        break;
      }
      case "E": {
        const m = matchName(text, pos, [...DAYS, ...DAYS.map((n) => n.slice(0, 3))]);
        if (m.index < 0) return undefined;
        pos += m.length;
        break;
      }
      case "a": {
        const m = matchName(text, pos, ["AM", "PM"]);
        if (m.index < 0) return undefined;
        p.pm = m.index === 1;
        pos += m.length;
        break;
      }
      default: {
        const zone = parseZone(text, pos);
        if (zone === undefined) return undefined;
        p.offsetMs = zone.offsetMs;
        pos = zone.end;
      }
    }
  }
  return resolve(p);
}

function resolve(p: Parsed): number | undefined {
  let year = p.year ?? 1970;
  if (p.era === 0) year = 1 - year;
  let days: number;
  if (p.month === undefined && p.day === undefined && p.dayOfYear !== undefined) {
    if (p.dayOfYear > (isLeapYear(year) ? 366 : 365)) return undefined;
    days = daysFromCivil(year, 1, 1) + p.dayOfYear - 1;
  } else {
    const month = p.month ?? 1;
    const day = p.day ?? 1;
    if (day > daysInMonth(year, month)) return undefined;
    days = daysFromCivil(year, month, day);
  }
  const hour = p.hourOfDay ?? (p.hour12 ?? 0) + (p.pm === true ? 12 : 0);
  const msOfDay = ((hour * 60 + (p.minute ?? 0)) * 60 + (p.second ?? 0)) * 1000 + (p.millisecond ?? 0);
  return epochMs(1970, 1, 1, days * MS_PER_DAY + msOfDay) - (p.offsetMs ?? 0);
}

/**
 * Compiles a `SimpleDateFormat` pattern; throws {@link SqlFunctionError} for an illegal pattern
 * letter or an unterminated quote, as Java's constructor does.
 */
export function compileDateFormat(pattern: string): DateFormat {
  const tokens = tokenize(pattern);
  return {
    pattern,
    format: (ms) => {
      const f = fieldsOf(ms);
      let out = "";
      for (const token of tokens)
        out += "literal" in token ? token.literal : formatField(token.letter, token.count, f);
      return out;
    },
    parse: (text, now) => parseTokens(tokens, text, now),
  };
}
