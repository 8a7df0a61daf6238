import { type GeneratedRecord, type GenerateOptions, pad2 } from "../generated-record.ts";
import { seededRandom } from "../seeded-random.ts";

/**
 * Defaults of {@link generateWebLogRecords}: the solution's load generator (`test-beacon.py`)
 * sends a request every `delay` seconds (0.5 in its usage line); the web tier's load balancer
 * adds health checks.
 */
export const WEB_LOG_DEFAULTS = {
  /** Mean time between two records, ms. */
  meanIntervalMs: 250,
  /** Share of records that are load-balancer health checks (filtered out by the SQL's AGENT_PUMP). */
  healthCheckShare: 0.05,
  /** Share of records whose log time is 20–90 s older than their arrival (late events). */
  lateShare: 0.02,
} as const;

/** The beacon's events, pages, users, referrers and agents (`source/web_site/test-beacon.py`). */
const EVENTS = ["click", "pageview", "conversion", "exception", "playvideo", "login", "logoff"] as const;
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"] as const;

/** Apache's `%t` time without its brackets, in UTC: `24/May/2004:22:01:02 +0000`. */
function apacheTime(epochMs: number): string {
  const t = new Date(epochMs);
  const date = `${pad2(t.getUTCDate())}/${MONTHS[t.getUTCMonth()]}/${t.getUTCFullYear()}`;
  return `${date}:${pad2(t.getUTCHours())}:${pad2(t.getUTCMinutes())}:${pad2(t.getUTCSeconds())} +0000`;
}

/**
 * Plausible input for the Real-Time Web Analytics solution: Apache access-log lines of the beacon
 * requests as the Kinesis Agent's LOGTOJSON option turns them into JSON (the `customFieldNames` of
 * the solution's `agent.json`), one per Firehose record. Values are strings, as the agent's regular
 * expression captures them; a field Apache logs as `-` (a missing header) is `null`.
 *
 * @example
 * const records = generateWebLogRecords({ seed: 7, count: 1000, start: Date.UTC(2024, 0, 1) });
 */
export function generateWebLogRecords(options: GenerateOptions): GeneratedRecord[] {
  const random = seededRandom(options.seed);
  const meanInterval = options.meanIntervalMs ?? WEB_LOG_DEFAULTS.meanIntervalMs;
  const records: GeneratedRecord[] = [];
  let arrivalTime = options.start;
  for (let call = 0; call < options.count; call += 1) {
    if (call > 0) arrivalTime += random.int(1, 2 * meanInterval);
    const late = random.chance(WEB_LOG_DEFAULTS.lateShare);
    const loggedAt = arrivalTime - (late ? random.int(20_000, 90_000) : random.int(500, 3_000));
    const host = `10.0.${random.int(1, 3)}.${random.int(1, 254)}`;
    const healthCheck = random.chance(WEB_LOG_DEFAULTS.healthCheckShare);
    const line = healthCheck
      ? {
          host,
          ident: null,
          authuser: null,
          datetime: apacheTime(loggedAt),
          request: "GET / HTTP/1.1",
          response: "200",
          bytes: "91",
          referrer: null,
          agent: "ELB-HealthChecker/2.0",
          event: null,
          clientid: null,
          page: null,
        }
      : {
          host,
          ident: null,
          authuser: null,
          datetime: apacheTime(loggedAt),
          request: `POST /?call=${call} HTTP/1.1`,
          response: "200",
          bytes: "91",
          referrer: `referer_${random.int(1, 20)}`,
          agent: `python_manual_agent_${random.int(1, 20)}`,
          event: random.pick(EVENTS),
          clientid: `user${random.int(1, 1000)}`,
          page: `page_${random.int(1, 100)}.html`,
        };
    records.push({ arrivalTime, data: JSON.stringify(line) });
  }
  return records;
}
