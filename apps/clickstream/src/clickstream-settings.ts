import {
  boolean,
  duration,
  integer,
  positiveNumber,
  runtimeSettings,
  type Setting,
  text,
} from "@eddy/app-kit";
import { CLICKSTREAM_DEFAULTS } from "./clickstream.ts";
import { ACCESS_LOG_DEFAULTS } from "./log-generator.ts";

/** Names of what the app reads and writes on the local stack or AWS. */
export const CLICKSTREAM_RESOURCES = {
  stream: "clickstream-logs",
  table: "clickstream-leaderboard",
  deliveryStream: "clickstream-archive",
  /** Shards of the stream the app creates on the local stack. */
  shards: 2,
} as const;

/** The log lines' settings, shared by the app (generator mode) and the producer. */
export const LINE_SETTINGS = {
  rate: {
    flag: "rate",
    env: "CLICKS_RATE",
    description:
      "generated lines per second (`max`: as fast as the job takes them); at the default interval, 1200 replays a minute of traffic per second",
    parse: (value) => (value === "max" ? undefined : positiveNumber(value)),
    default: 1_200,
  } as Setting<number | undefined>,
  lines: {
    flag: "lines",
    env: "CLICKS_LINES",
    description: "generate this many lines, then end (the job finishes)",
    parse: integer(0),
    default: undefined,
    defaultText: "unbounded",
  } as Setting<number | undefined>,
  interval: {
    flag: "interval",
    env: "CLICKS_INTERVAL",
    description: "event time between generated requests",
    parse: duration,
    default: ACCESS_LOG_DEFAULTS.everyMs,
    defaultText: "`50ms` (1,200 requests a minute)",
  },
  seed: {
    flag: "seed",
    env: "CLICKS_SEED",
    description: "seed of the generated traffic: the same seed, the same log",
    parse: integer(0),
    default: ACCESS_LOG_DEFAULTS.seed,
  },
  stream: {
    flag: "stream",
    env: "CLICKS_STREAM",
    description: "the Kinesis stream of log lines (one line per record)",
    parse: text,
    default: CLICKSTREAM_RESOURCES.stream,
  },
} satisfies Record<string, Setting<unknown>>;

const ANOMALIES = CLICKSTREAM_DEFAULTS.anomalies;

/** Every setting of the clickstream app (`--help` prints them; the README's table is made from them). */
export const CLICKSTREAM_SETTINGS = {
  ...runtimeSettings("clickstream"),
  ...LINE_SETTINGS,
  table: {
    flag: "table",
    env: "CLICKS_TABLE",
    description: "the DynamoDB table of the leaderboards (partition key `minute`)",
    parse: text,
    default: CLICKSTREAM_RESOURCES.table,
  },
  deliveryStream: {
    flag: "delivery-stream",
    env: "CLICKS_DELIVERY_STREAM",
    description: "the Firehose delivery stream that archives every parsed request to S3",
    parse: text,
    default: CLICKSTREAM_RESOURCES.deliveryStream,
  },
  sessionGap: {
    flag: "session-gap",
    env: "CLICKS_SESSION_GAP",
    description: "a visit ends after this long without a request",
    parse: duration,
    default: CLICKSTREAM_DEFAULTS.sessionGap,
    defaultText: "`30m`",
  },
  alertThreshold: {
    flag: "alert-threshold",
    env: "CLICKS_ALERT_THRESHOLD",
    description: "alert when a minute's 5xx rate is this many standard deviations above its moving average",
    parse: positiveNumber,
    default: ANOMALIES.threshold,
  },
  alertAlpha: {
    flag: "alert-alpha",
    env: "CLICKS_ALERT_ALPHA",
    description: "weight of the newest minute in that moving average (EWMA)",
    parse: (value) => {
      const alpha = positiveNumber(value);
      if (alpha >= 1) throw new TypeError("must be a number in (0, 1)");
      return alpha;
    },
    default: ANOMALIES.alpha,
  },
  outOfOrderness: {
    flag: "out-of-orderness",
    env: "CLICKS_OUT_OF_ORDERNESS",
    description: "how late a line may arrive and still count (the watermark's bound)",
    parse: duration,
    default: CLICKSTREAM_DEFAULTS.outOfOrderness,
    defaultText: "`5s`",
  },
  sql: {
    flag: "sql",
    env: "CLICKS_SQL",
    description:
      "count hits per page with the Kinesis Data Analytics SQL of `src/page-hits.sql` through @eddy/sql instead of the typed window (the same rows)",
    parse: boolean,
    default: false,
    switch: true,
  },
} satisfies Record<string, Setting<unknown>>;
