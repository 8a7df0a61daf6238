import { noise } from "@eddy/app-kit";

/** Options of {@link accessLog}; defaults in {@link ACCESS_LOG_DEFAULTS}. */
export interface AccessLogOptions {
  /** Another seed, other visitors, pages and incidents. */
  readonly seed: number;
  /** Event time of line 0 (epoch ms). */
  readonly start: number;
  /** Event time between consecutive requests (ms): 50 is 1,200 requests a minute. */
  readonly everyMs: number;
  /** Lines are written up to this much after the request's time (ms): disorder in arrival. */
  readonly disorderMs: number;
  /** Share of lines that are not valid combined-log lines. */
  readonly malformedShare: number;
}

export const ACCESS_LOG_DEFAULTS: AccessLogOptions = {
  seed: 1,
  start: Date.UTC(2026, 10, 21, 14, 0, 0),
  everyMs: 50,
  disorderMs: 2_000,
  malformedShare: 0.004,
};

/** Pages most requests go to, with their weights; the rest go to a long tail of product pages. */
const POPULAR: readonly (readonly [string, number])[] = [
  ["/", 30],
  ["/products", 18],
  ["/search", 14],
  ["/blog", 10],
  ["/cart", 9],
  ["/wp-content", 7],
  ["/checkout", 5],
  ["/about", 4],
  ["/contact", 3],
];
const POPULAR_WEIGHT = POPULAR.reduce((sum, [, w]) => sum + w, 0);
/** Share of requests to popular pages; the others are spread log-uniformly over the tail. */
const POPULAR_SHARE = 0.62;
const TAIL_PAGES = 20_000;

const AGENTS = [
  "Mozilla/5.0 (compatible; MSIE 10.0; windows NT 6.1; Trident/5.1; .NET CLR 3.8.23015.5)",
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
  "curl/8.4.0",
];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Visitors, and how they come and go: each is active in some 10-minute periods, not in others. */
const VISITORS = 3_000;
const PERIOD_MS = 600_000;
const ACTIVE_SHARE = 0.1;
/** The server logs in Pacific time, as the line in the issue does. */
const ZONE = { text: "-0800", offsetMs: -8 * 3_600_000 };

/** Incidents: a minute starts one with this chance, lasting 1–3 minutes, with this share of 5xx. */
const INCIDENT_START = 0.03;
const INCIDENT_ERROR_SHARE = 0.3;
const BASE_ERROR_SHARE = 0.008;

// Salts: each random choice draws from its own stream.
const SALT = {
  jitter: 1,
  malformed: 2,
  malformedKind: 3,
  visitor: 4,
  active: 5,
  page: 6,
  popularPage: 7,
  tailPage: 8,
  status: 9,
  notFound: 10,
  incident: 11,
  incidentLength: 12,
  bytes: 13,
  method: 14,
  agent: 15,
  referrer: 16,
  ipA: 17,
  ipB: 18,
  ipC: 19,
} as const;
type Salt = (typeof SALT)[keyof typeof SALT];

const pad = (n: number, width = 2) => String(n).padStart(width, "0");

/**
 * Deterministic Apache combined-log lines with a realistic shape: visitors (by IP) who come in
 * sessions and leave, a few popular pages and a long tail, some 404s, bursts of 5xx during
 * incidents, and now and then a malformed line. `line(i)` is pure in `i` (a generator source
 * resumes at any index), so the same seed always gives the same log.
 *
 * @example
 * const line = accessLog({ ...ACCESS_LOG_DEFAULTS, seed: 3 });
 * line(0); // '10.83.17.201 - - [21/Nov/2026:06:00:00 -0800] "GET / HTTP/1.1" 200 5120 "-" "curl/8.4.0"'
 */
export function accessLog(options: AccessLogOptions): (index: number) => string {
  const { seed, start, everyMs, disorderMs, malformedShare } = options;
  const random = (index: number, salt: Salt) => noise(seed, index, salt);

  const isActive = (visitor: number, period: number) =>
    noise(seed, visitor * 100_003 + period, SALT.active) < ACTIVE_SHARE;

  /** A visitor active in the request's period: a random one, or the next active after it. */
  const visitorOf = (index: number, time: number): number => {
    const period = Math.floor(time / PERIOD_MS);
    const first = Math.floor(random(index, SALT.visitor) * VISITORS);
    for (let k = 0; k < VISITORS; k++) {
      const visitor = (first + k) % VISITORS;
      if (isActive(visitor, period)) return visitor;
    }
    return first;
  };

  const inIncident = (time: number): boolean => {
    const minute = Math.floor(time / 60_000);
    for (let back = 0; back < 3; back++) {
      const m = minute - back;
      if (
        noise(seed, m, SALT.incident) < INCIDENT_START &&
        back <= Math.floor(noise(seed, m, SALT.incidentLength) * 3)
      ) {
        return true;
      }
    }
    return false;
  };

  const pageOf = (index: number): string => {
    if (random(index, SALT.page) < POPULAR_SHARE) {
      let pick = random(index, SALT.popularPage) * POPULAR_WEIGHT;
      for (const [page, weight] of POPULAR) {
        if (pick < weight) return page;
        pick -= weight;
      }
      return POPULAR[0]![0];
    }
    return `/products/${Math.floor(TAIL_PAGES ** random(index, SALT.tailPage))}`;
  };

  return (index) => {
    const time = start + index * everyMs - Math.floor(random(index, SALT.jitter) * disorderMs);
    const visitor = visitorOf(index, time);
    const ip = `${10 + (visitor % 200)}.${Math.floor(noise(seed, visitor, SALT.ipA) * 256)}.${Math.floor(noise(seed, visitor, SALT.ipB) * 256)}.${1 + Math.floor(noise(seed, visitor, SALT.ipC) * 254)}`;
    const agent = AGENTS[Math.floor(noise(seed, visitor, SALT.agent) * AGENTS.length)]!;
    const page = pageOf(index);
    const errorShare = inIncident(time) ? INCIDENT_ERROR_SHARE : BASE_ERROR_SHARE;
    const status =
      random(index, SALT.status) < errorShare
        ? [500, 502, 503, 503][Math.floor(random(index, SALT.bytes) * 4)]!
        : page.startsWith("/products/") && random(index, SALT.notFound) < 0.05
          ? 404
          : 200;
    const bytes =
      status === 200 ? 200 + Math.floor(random(index, SALT.bytes) ** 2 * 60_000) : 300 + (status % 7) * 17;
    const method =
      (page === "/cart" || page === "/checkout") && random(index, SALT.method) < 0.4 ? "POST" : "GET";
    const referrer = random(index, SALT.referrer) < 0.5 ? "-" : `https://shop.example${pageOf(index + 1)}`;
    const local = new Date(time + ZONE.offsetMs);
    const stamp = `${pad(local.getUTCDate())}/${MONTHS[local.getUTCMonth()]}/${local.getUTCFullYear()}:${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${ZONE.text}`;
    const line = `${ip} - - [${stamp}] "${method} ${page} HTTP/1.1" ${status} ${bytes} "${referrer}" "${agent}"`;
    return random(index, SALT.malformed) < malformedShare
      ? malformed(line, random(index, SALT.malformedKind))
      : line;
  };
}

/** What goes wrong in real logs: a line cut short, a garbled date, a proxy's own noise. */
function malformed(line: string, dice: number): string {
  if (dice < 0.4) return line.slice(0, Math.floor(line.length * (0.3 + dice)));
  if (dice < 0.7) return line.replace(/\/(\w{3})\//, "/Foo/");
  return `upstream timed out (110: Connection timed out) while reading response header from upstream`;
}
