import { readFileSync } from "node:fs";
import type { DescribeApplicationOutput } from "./application-detail.ts";
import type { GeneratedRecord, GenerateOptions } from "./generated-record.ts";
import { generateDeviceReadings } from "./real-time-iot-device-monitoring/generate-input.ts";
import { generateWebLogRecords } from "./real-time-web-analytics/generate-input.ts";

export type {
  DescribeApplicationOutput,
  InputDescription,
  OutputDescription,
  SourceSchema,
} from "./application-detail.ts";
export type { GeneratedRecord, GenerateOptions } from "./generated-record.ts";

/** A published KDA SQL application kept as a test: its SQL, its description and an input generator. */
export interface AwsSolutionApp {
  /** The folder under `packages/sql/test/apps/`. */
  readonly name: string;
  /** The solution's repository, where the SQL and the schema come from (see the folder's README). */
  readonly repository: string;
  /** The application code (`app.sql`). */
  readonly sql: string;
  /** What `aws kinesisanalytics describe-application` would print for it (`application.json`). */
  readonly description: DescribeApplicationOutput;
  /** Plausible records for its one streaming source, deterministic for a seed. */
  readonly generateInput: (options: GenerateOptions) => GeneratedRecord[];
}

function load(
  name: string,
  repository: string,
  generateInput: AwsSolutionApp["generateInput"],
): AwsSolutionApp {
  const file = (path: string) => readFileSync(new URL(`./${name}/${path}`, import.meta.url), "utf8");
  return {
    name,
    repository,
    sql: file("app.sql"),
    description: JSON.parse(file("application.json")) as DescribeApplicationOutput,
    generateInput,
  };
}

/** The two AWS Solutions built on Kinesis Data Analytics for SQL. */
export const awsSolutionApps: readonly AwsSolutionApp[] = [
  load(
    "real-time-web-analytics",
    "https://github.com/aws-solutions/real-time-web-analytics-with-kinesis",
    generateWebLogRecords,
  ),
  load(
    "real-time-iot-device-monitoring",
    "https://github.com/aws-solutions/real-time-iot-device-monitoring-with-kinesis",
    generateDeviceReadings,
  ),
];
