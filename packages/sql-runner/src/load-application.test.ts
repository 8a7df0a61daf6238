import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadApplication } from "./load-application.ts";

const DESCRIPTION = {
  ApplicationDetail: {
    ApplicationName: "started",
    ApplicationARN: "arn:aws:kinesisanalytics:eu-west-1:123456789012:application/started",
  },
};

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "eddy-sql-load-"));
  await writeFile(join(dir, "describe.json"), JSON.stringify(DESCRIPTION));
  await writeFile(join(dir, "app.sql"), "VALUES (CURRENT_TIMESTAMP, 1);\n");
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("loadApplication", () => {
  it("computes VALUES rows at the query start it is given (the job's clock), the same on every load", async () => {
    const files = {
      application: join(dir, "describe.json"),
      sql: join(dir, "app.sql"),
      queryStart: 86_400_000,
    };
    const [first, second] = [await loadApplication(files), await loadApplication(files)];
    const values = first.plan.queries[0]!.query;
    expect(values.kind === "values" && values.rows).toEqual([[86_400_000, 1]]);
    expect(second.plan).toEqual(first.plan);
  });
});
