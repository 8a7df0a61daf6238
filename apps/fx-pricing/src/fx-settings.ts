import {
  boolean,
  duration,
  integer,
  percentage,
  positiveNumber,
  runtimeSettings,
  type Setting,
  text,
} from "@eddy/app-kit";
import { FX_PRICING_DEFAULTS } from "./fx-pricing.ts";
import { FX_TICK_DEFAULTS } from "./fx-tick.ts";

/** Names of what the app reads and writes on the local stack or AWS. */
export const FX_RESOURCES = {
  stream: "fx-ticks",
  table: "fx-latest",
  deliveryStream: "fx-rows-archive",
  /** Shards of the stream the app creates on the local stack. */
  shards: 2,
} as const;

/** The ticks' settings, shared by the app (generator mode) and the producer. */
export const TICK_SETTINGS = {
  rate: {
    flag: "rate",
    env: "FX_RATE",
    description:
      "generated ticks per second (`max`: as fast as the job takes them); each is 250 ms of event time, so 240 replays a minute of trading per second",
    parse: (value) => (value === "max" ? undefined : positiveNumber(value)),
    default: 240,
  } as Setting<number | undefined>,
  ticks: {
    flag: "ticks",
    env: "FX_TICKS",
    description: "generate this many ticks, then end (the job finishes)",
    parse: integer(0),
    default: undefined,
    defaultText: "unbounded",
  } as Setting<number | undefined>,
  seed: {
    flag: "seed",
    env: "FX_SEED",
    description: "seed of the generated walks and arrival disorder: the same seed, the same ticks",
    parse: integer(0),
    default: FX_TICK_DEFAULTS.seed,
  },
  stream: {
    flag: "stream",
    env: "FX_STREAM",
    description: "the Kinesis stream of ticks",
    parse: text,
    default: FX_RESOURCES.stream,
  },
} satisfies Record<string, Setting<unknown>>;

/** Every setting of the FX pricing app (`--help` prints them; the README's table is made from them). */
export const FX_SETTINGS = {
  ...runtimeSettings("fx-pricing"),
  ...TICK_SETTINGS,
  table: {
    flag: "table",
    env: "FX_TABLE",
    description: "the DynamoDB table of the latest row per symbol (partition key `symbol`)",
    parse: text,
    default: FX_RESOURCES.table,
  },
  deliveryStream: {
    flag: "delivery-stream",
    env: "FX_DELIVERY_STREAM",
    description: "the Firehose delivery stream that archives every row to S3",
    parse: text,
    default: FX_RESOURCES.deliveryStream,
  },
  alertThreshold: {
    flag: "alert-threshold",
    env: "FX_ALERT_THRESHOLD",
    description: "alert when a price moves at least this much…",
    parse: percentage,
    default: FX_PRICING_DEFAULTS.alertThreshold,
    defaultText: "`0.5%`",
  },
  alertWithin: {
    flag: "alert-within",
    env: "FX_ALERT_WITHIN",
    description: "…within this much event time",
    parse: duration,
    default: FX_PRICING_DEFAULTS.alertWithin,
    defaultText: "`60s`",
  },
  sql: {
    flag: "sql",
    env: "FX_SQL",
    description:
      "compute the rows with the Kinesis Data Analytics SQL of `src/fx-query.sql` through @eddy/sql instead of the typed pipeline (the same rows)",
    parse: boolean,
    default: false,
    switch: true,
  },
  outOfOrderness: {
    flag: "out-of-orderness",
    env: "FX_OUT_OF_ORDERNESS",
    description: "how late a tick may arrive and still count (the watermark's bound)",
    parse: duration,
    default: FX_PRICING_DEFAULTS.outOfOrderness,
    defaultText: "`5s`",
  },
} satisfies Record<string, Setting<unknown>>;
