import type { AwsResource } from "./application-model.ts";
import type { JsonCursor } from "./json-cursor.ts";

/** The resources an application names, with the ARN form of each. */
const RESOURCE_FORMS = {
  kinesis: {
    service: "kinesis",
    prefix: "stream/",
    example: "arn:aws:kinesis:us-east-1:123456789012:stream/NAME",
  },
  firehose: {
    service: "firehose",
    prefix: "deliverystream/",
    example: "arn:aws:firehose:us-east-1:123456789012:deliverystream/NAME",
  },
  lambda: {
    service: "lambda",
    prefix: "function:",
    example: "arn:aws:lambda:us-east-1:123456789012:function:NAME",
  },
  s3: { service: "s3", prefix: "", example: "arn:aws:s3:::BUCKET" },
} as const;

/** A kind of resource an application description names by ARN. */
export type ArnKind = keyof typeof RESOURCE_FORMS;

const ARN = /^arn:(aws[a-z-]*):([a-z0-9-]+):([a-z0-9-]*):(\d*):(.+)$/;

/**
 * Reads the ARN at `cursor` as a resource of `kind` (its name and region), failing with the
 * expected form: `arn:aws:kinesis:REGION:ACCOUNT:stream/NAME`, `…:firehose:…:deliverystream/NAME`,
 * `…:lambda:…:function:NAME[:QUALIFIER]`, `arn:aws:s3:::BUCKET`.
 */
export function readArn(cursor: JsonCursor, kind: ArnKind): AwsResource {
  const arn = cursor.string();
  const form = RESOURCE_FORMS[kind];
  const match = ARN.exec(arn);
  const resource = match?.[5];
  if (
    match === null ||
    match[2] !== form.service ||
    resource === undefined ||
    !resource.startsWith(form.prefix)
  ) {
    return cursor.fail(`expected an ARN like ${form.example}, found ${JSON.stringify(arn)}`);
  }
  const name = resource.slice(form.prefix.length);
  if (name.length === 0 || (kind !== "lambda" && name.includes("/"))) {
    return cursor.fail(`expected an ARN like ${form.example}, found ${JSON.stringify(arn)}`);
  }
  return { arn, name, region: match[3]! };
}
