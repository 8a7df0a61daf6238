import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runEddySql } from "./run-eddy-sql.ts";
import {
  LAMBDA_SQL,
  lambdaDescription,
  TICKS_SQL,
  ticksDescription,
} from "./test-support/application-fixture.ts";

// Configuration errors of `eddy-sql run`: each is one line on stderr and exit code 2, found
// before any AWS client is built (none of these runs reaches a network).

const resources = {
  input: "ticks-in",
  output: "ticks-out",
  errors: "ticks-errors",
  deliveryStream: "ticks-enriched",
  bucket: "reference",
  referenceKey: "companies.csv",
};

let dir: string;
const file = (name: string) => join(dir, name);
const run = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runEddySql(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join(""), err: err.join("") };
};

/** The fixture's description with its detail changed by `change`. */
function changed(change: (detail: Record<string, unknown[]>) => void): string {
  const description = ticksDescription(resources) as { ApplicationDetail: Record<string, unknown[]> };
  change(description.ApplicationDetail);
  return JSON.stringify(description);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eddy-sql-run-"));
  await writeFile(file("app.sql"), TICKS_SQL);
  await writeFile(file("lambda.sql"), LAMBDA_SQL);
  await writeFile(file("describe.json"), JSON.stringify(ticksDescription(resources)));
  await writeFile(
    file("lambda.json"),
    JSON.stringify(lambdaDescription({ input: "in", preprocess: "parse", deliver: "deliver" }, "lambda")),
  );
  await writeFile(
    file("firehose-input.json"),
    changed((detail) => {
      const input = detail.InputDescriptions![0] as Record<string, unknown>;
      delete input.KinesisStreamsInputDescription;
      input.InputStartingPositionConfiguration = { InputStartingPosition: "NOW" };
      input.KinesisFirehoseInputDescription = {
        ResourceARN: "arn:aws:firehose:us-east-1:000000000000:deliverystream/ticks",
      };
    }),
  );
  await writeFile(
    file("lower-case-output.json"),
    changed((detail) => {
      (detail.OutputDescriptions![1] as { Name: string }).Name = "enriched";
    }),
  );
  await writeFile(file("stack.json"), JSON.stringify({ region: "us-east-1", kinesis: "http://127.0.0.1:1" }));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("eddy-sql run: configuration errors, one line and exit code 2", () => {
  const app = () => ["run", "--application", file("describe.json"), "--sql", file("app.sql")];

  it("names a missing file", async () => {
    expect(await run("run", "--application", file("nope.json"))).toEqual({
      code: 2,
      out: "",
      err: `eddy-sql: --application ${file("nope.json")}: no such file\n`,
    });
  });

  it("shows where the SQL is wrong, with line and column", async () => {
    await writeFile(file("bad.sql"), TICKS_SQL.replace("SUM(PRICE)", "SUM(PRICES)"));
    const result = await run("run", "--application", file("describe.json"), "--sql", file("bad.sql"));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(new RegExp(`^eddy-sql: ${file("bad.sql")}:3:\\d+: .*PRICES.*\\n$`));
  });

  it("refuses an unknown mode", async () => {
    expect(await run(...app(), "--mode", "cloud")).toEqual({
      code: 2,
      out: "",
      err: "eddy-sql: option '--mode <mode>' argument 'cloud' is invalid. Allowed choices are aws, local. (see eddy-sql run --help)\n",
    });
  });

  it("says that Eddy cannot read a Firehose delivery stream, and what to do instead", async () => {
    const result = await run("run", "--application", file("firehose-input.json"), "--sql", file("app.sql"));
    expect(result.code).toBe(2);
    expect(result.err).toMatch(
      /^eddy-sql: the input reads the Firehose delivery stream arn:aws:firehose:us-east-1:000000000000:deliverystream\/ticks: Eddy cannot read a delivery stream .*Kinesis data stream.*\n$/,
    );
  });

  it("names an output whose stream the SQL does not create (names are case-sensitive)", async () => {
    const result = await run(
      "run",
      "--application",
      file("lower-case-output.json"),
      "--sql",
      file("app.sql"),
    );
    expect(result).toEqual({
      code: 2,
      out: "",
      err: 'eddy-sql: output 2 takes the in-application stream "enriched", which the SQL does not create (streams: DESTINATION_SQL_STREAM, ENRICHED, error_stream; names are case-sensitive)\n',
    });
  });

  it("asks for a Lambda endpoint in local mode when the application calls Lambda", async () => {
    const result = await run(
      "run",
      "--application",
      file("lambda.json"),
      "--sql",
      file("lambda.sql"),
      "--mode",
      "local",
      "--stack-file",
      file("stack.json"),
    );
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      "eddy-sql: the application calls arn:aws:lambda:us-east-1:000000000000:function:parse and arn:aws:lambda:us-east-1:000000000000:function:deliver: with --mode local give the endpoint of a local Lambda Invoke server with --lambda-endpoint (the local stack has no Lambda)\n",
    );
  });

  it("says how to start a local stack when there is none, or when its file is not one", async () => {
    expect(await run(...app(), "--mode", "local", "--stack-file", file("none.json"))).toEqual({
      code: 2,
      out: "",
      err: `eddy-sql: --mode local: no local stack at ${file("none.json")}: start one with \`npm run stack\` (or give its file with --stack-file)\n`,
    });
    expect(await run(...app(), "--mode", "local", "--stack-file", file("stack.json"))).toEqual({
      code: 2,
      out: "",
      err: `eddy-sql: --stack-file ${file("stack.json")}: "s3" is missing: is it a stack file of \`npm run stack\`?\n`,
    });
  });

  it("refuses a checkpoint store it cannot read", async () => {
    const result = await run(...app(), "--checkpoints", "ftp://host/checkpoints");
    expect(result).toEqual({
      code: 2,
      out: "",
      err: "eddy-sql: option '--checkpoints <store>' argument 'ftp://host/checkpoints' is invalid. ftp:// is not a checkpoint store: give a directory, s3://<bucket>/<prefix>, redis://<host>:<port>, memory or none (see eddy-sql run --help)\n",
    });
  });

  it("refuses a duration it cannot read", async () => {
    const result = await run(...app(), "--checkpoint-every", "soon");
    expect(result.code).toBe(2);
    expect(result.err).toBe(
      "eddy-sql: option '--checkpoint-every <duration>' argument 'soon' is invalid. expected a duration such as 500ms, 5s or 1m (see eddy-sql run --help)\n",
    );
  });
});
