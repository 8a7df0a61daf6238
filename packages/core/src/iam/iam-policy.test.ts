import { describe, expect, it } from "vitest";
import { awsAccessOf, awsArn } from "../aws/aws-access.ts";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { pipeline } from "../pipeline.ts";
import type { Sink } from "../runtime/sink.ts";
import type { Source } from "../runtime/source.ts";
import { iamPolicy, policyOf } from "./iam-policy.ts";
import { checkPolicy } from "./policy-check.ts";

const WHERE = { region: "eu-west-1", account: "123456789012" };

describe("awsArn", () => {
  it("builds regional templates, S3's without region and account, and keeps given ARNs", () => {
    expect(awsArn("kinesis", "stream/fx")).toBe("arn:{partition}:kinesis:{region}:{account}:stream/fx");
    expect(awsArn("s3", "bucket/prefix/*")).toBe("arn:{partition}:s3:::bucket/prefix/*");
    const given = "arn:aws:kinesis:us-east-1:111122223333:stream/fx";
    expect(awsArn("kinesis", given)).toBe(given);
  });

  it("awsAccessOf reads a declaration and gives nothing for parts without one", () => {
    const access = [{ service: "s3", actions: ["s3:GetObject"], resources: ["*"] }];
    expect(awsAccessOf({ awsAccess: () => access })).toBe(access);
    expect(awsAccessOf({ name: "memory" })).toEqual([]);
    expect(awsAccessOf(undefined)).toEqual([]);
  });
});

describe("policyOf", () => {
  it("merges actions per resource, groups resources with the same actions, sorts everything", () => {
    const stream = awsArn("kinesis", "stream/fx");
    const other = awsArn("kinesis", "stream/alerts");
    const { document, unresolved } = policyOf(
      [
        { service: "kinesis", actions: ["kinesis:PutRecords"], resources: [other] },
        { service: "s3", actions: ["s3:PutObject", "s3:GetObject"], resources: [awsArn("s3", "b/p/*")] },
        { service: "kinesis", actions: ["kinesis:ListShards", "kinesis:GetRecords"], resources: [stream] },
        { service: "kinesis", actions: ["kinesis:GetRecords", "kinesis:PutRecords"], resources: [stream] },
        { service: "dynamodb", actions: ["dynamodb:PutItem"], resources: [awsArn("dynamodb", "table/t")] },
        { service: "dynamodb", actions: ["dynamodb:PutItem"], resources: [awsArn("dynamodb", "table/a")] },
      ],
      WHERE,
    );
    expect(unresolved).toEqual([]);
    expect(document).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["dynamodb:PutItem"],
          Resource: [
            "arn:aws:dynamodb:eu-west-1:123456789012:table/a",
            "arn:aws:dynamodb:eu-west-1:123456789012:table/t",
          ],
        },
        {
          Effect: "Allow",
          Action: ["kinesis:PutRecords"],
          Resource: ["arn:aws:kinesis:eu-west-1:123456789012:stream/alerts"],
        },
        {
          Effect: "Allow",
          Action: ["kinesis:GetRecords", "kinesis:ListShards", "kinesis:PutRecords"],
          Resource: ["arn:aws:kinesis:eu-west-1:123456789012:stream/fx"],
        },
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject"], Resource: ["arn:aws:s3:::b/p/*"] },
      ],
    });
  });

  it("leaves a missing region or account as * and says which", () => {
    const access = [
      { service: "kinesis", actions: ["kinesis:PutRecords"], resources: [awsArn("kinesis", "stream/fx")] },
    ];
    const { document, unresolved } = policyOf(access, { region: "cn-north-1" });
    expect(document.Statement[0]!.Resource).toEqual(["arn:aws-cn:kinesis:cn-north-1:*:stream/fx"]);
    expect(unresolved).toEqual(["account"]);
    expect(policyOf(access).unresolved).toEqual(["account", "region"]);
    expect(
      policyOf(access, { region: "us-gov-west-1", account: "1" }).document.Statement[0]!.Resource,
    ).toEqual(["arn:aws-us-gov:kinesis:us-gov-west-1:1:stream/fx"]);
  });

  it("does not report region or account unresolved when no ARN needs them", () => {
    const access = [{ service: "s3", actions: ["s3:ListBucket"], resources: [awsArn("s3", "b")] }];
    expect(policyOf(access)).toEqual({
      document: {
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::b"] }],
      },
      unresolved: [],
    });
  });

  it("refuses an action of another service", () => {
    expect(() => policyOf([{ service: "s3", actions: ["kinesis:GetRecords"], resources: ["*"] }])).toThrow(
      "AWS access of service s3 lists action kinesis:GetRecords of another service",
    );
  });
});

describe("iamPolicy", () => {
  it("collects the access of the job's sources, sinks and checkpoint store", () => {
    const source: Source<number> = {
      name: "in",
      bounded: true,
      open: () => ({ next: async () => undefined }),
      awsAccess: () => [
        { service: "kinesis", actions: ["kinesis:GetRecords"], resources: [awsArn("kinesis", "stream/in")] },
      ],
    };
    const sink: Sink<number> = {
      name: "out",
      write() {},
      awsAccess: () => [{ service: "firehose", actions: ["firehose:PutRecordBatch"], resources: ["arn:x"] }],
    };
    const store = Object.assign(new MemoryCheckpointStore(), {
      awsAccess: () => [{ service: "s3", actions: ["s3:PutObject"], resources: [awsArn("s3", "cp/*")] }],
    });
    const job = pipeline("iam", { checkpoints: { every: 1000, store } });
    job
      .source(source)
      .map((n) => n + 1)
      .sink(sink);
    job.source(source, { name: "again" }).sink({ name: "plain", write() {} });
    expect(iamPolicy(job, WHERE).document.Statement).toEqual([
      { Effect: "Allow", Action: ["firehose:PutRecordBatch"], Resource: ["arn:x"] },
      {
        Effect: "Allow",
        Action: ["kinesis:GetRecords"],
        Resource: ["arn:aws:kinesis:eu-west-1:123456789012:stream/in"],
      },
      { Effect: "Allow", Action: ["s3:PutObject"], Resource: ["arn:aws:s3:::cp/*"] },
    ]);
  });
});

describe("checkPolicy", () => {
  const document = policyOf(
    [
      {
        service: "kinesis",
        actions: ["kinesis:GetRecords", "kinesis:ListShards"],
        resources: [awsArn("kinesis", "stream/fx")],
      },
      { service: "s3", actions: ["s3:PutObject"], resources: [awsArn("s3", "b/p/*")] },
    ],
    WHERE,
  ).document;
  const stream = "arn:aws:kinesis:eu-west-1:123456789012:stream/fx";

  it("lists calls no statement allows, matching IAM wildcards", () => {
    const calls = [
      { action: "kinesis:GetRecords", resource: stream },
      { action: "kinesis:ListShards", resource: stream },
      { action: "s3:PutObject", resource: "arn:aws:s3:::b/p/dt=1/part-0.jsonl" },
      { action: "s3:PutObject", resource: "arn:aws:s3:::b/other/x" },
      { action: "kinesis:PutRecords", resource: stream },
      { action: "kinesis:GetRecords", resource: `${stream}x` },
    ];
    expect(checkPolicy(document, calls)).toEqual({ denied: calls.slice(3), unused: [] });
  });

  it("lists granted actions on resources no call exercised", () => {
    expect(checkPolicy(document, [{ action: "kinesis:getrecords", resource: stream }])).toEqual({
      denied: [],
      unused: [`kinesis:ListShards ${stream}`, "s3:PutObject arn:aws:s3:::b/p/*"],
    });
  });
});
