import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { eddy } from "./test-support/captured.ts";

const jobs = join(import.meta.dirname, "test-support", "iam-jobs");

describe("eddy iam-policy", () => {
  test("prints the merged policy of a module's default-exported job, its S3 store included", async () => {
    const run = await eddy([
      "iam-policy",
      join(jobs, "s3-checkpointed.ts"),
      "--region",
      "eu-west-1",
      "--account",
      "123456789012",
    ]);
    expect(run.err).toBe("");
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Action: ["kinesis:GetRecords", "kinesis:ListShards"],
          Resource: ["arn:aws:kinesis:eu-west-1:123456789012:stream/numbers"],
        },
        { Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::fixture-checkpoints"] },
        {
          Effect: "Allow",
          Action: ["s3:DeleteObject", "s3:GetObject", "s3:PutObject"],
          Resource: ["arn:aws:s3:::fixture-checkpoints/iam/*"],
        },
      ],
    });
  });

  test("leaves an unknown account as * and says so on stderr; AWS_ACCOUNT_ID is read", async () => {
    const module = join(jobs, "s3-checkpointed.ts");
    const run = await eddy(["iam-policy", module, "--region", "eu-west-1"]);
    expect(run.code).toBe(0);
    expect(run.out).toContain('"arn:aws:kinesis:eu-west-1:*:stream/numbers"');
    expect(run.err).toBe(
      "eddy: account unknown (pass --account or set AWS_ACCOUNT_ID): the ARNs hold * for it\n",
    );
    const fromEnv = await eddy(["iam-policy", module, "--region", "eu-west-1"], {
      AWS_ACCOUNT_ID: "210987654321",
    });
    expect(fromEnv.out).toContain('"arn:aws:kinesis:eu-west-1:210987654321:stream/numbers"');
    expect(fromEnv.err).toBe("");
  });

  test("calls an exported function named job, and says when the job needs no AWS access", async () => {
    const run = await eddy([
      "iam-policy",
      join(jobs, "job-function.mjs"),
      "--region",
      "eu-west-1",
      "--account",
      "1",
    ]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out)).toEqual({ Version: "2012-10-17", Statement: [] });
    expect(run.err).toBe(
      'eddy: job "iam-function" declares no AWS access: its sources, sinks and store call no AWS service\n',
    );
  });

  test("a missing module or one that exports no job is a usage error: one line, exit code 2", async () => {
    const missing = await eddy(["iam-policy", join(jobs, "missing.ts")]);
    expect(missing).toEqual({ code: 2, out: "", err: `eddy: ${join(jobs, "missing.ts")}: no such module\n` });
    const notJob = await eddy(["iam-policy", join(jobs, "not-a-job.ts")]);
    expect(notJob).toEqual({
      code: 2,
      out: "",
      err: `eddy: ${join(jobs, "not-a-job.ts")}: its default export is not a Job\n`,
    });
    const noModule = await eddy(["iam-policy"]);
    expect(noModule.code).toBe(2);
    expect(noModule.err).toBe("eddy: missing required argument 'module' (see eddy iam-policy --help)\n");
  });
});
