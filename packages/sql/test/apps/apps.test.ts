import { describe, expect, it } from "vitest";
import type { RecordColumn } from "./application-detail.ts";
import { type AwsSolutionApp, awsSolutionApps } from "./index.ts";
import { seededRandom } from "./seeded-random.ts";

const START = Date.UTC(2024, 0, 1, 12, 0, 0);

/** The value at a `$.field` mapping of a JSON record (KDA maps a missing field to NULL). */
function mapped(record: Record<string, unknown>, column: RecordColumn): unknown {
  const path = column.Mapping ?? "";
  expect(path, `${column.Name}'s mapping is a top-level JSONPath`).toMatch(/^\$\.\w+$/);
  return record[path.slice(2)];
}

/** Whether a JSON value converts to the column's SQL type under KDA's JSON mapping rules. */
function fits(value: unknown, sqlType: string): boolean {
  if (value === null || value === undefined) return true;
  const varchar = /^VARCHAR\((\d+)\)$/.exec(sqlType);
  if (varchar !== null) return typeof value === "string" && value.length <= Number(varchar[1]);
  if (sqlType === "INTEGER") return Number.isInteger(typeof value === "string" ? Number(value) : value);
  if (sqlType === "DOUBLE") return Number.isFinite(typeof value === "string" ? Number(value) : value);
  if (sqlType === "TIMESTAMP")
    return typeof value === "string" && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value);
  throw new Error(`no rule for SQL type ${sqlType}`);
}

describe.each(awsSolutionApps.map((app) => [app.name, app] as const))(
  "AWS Solutions app %s",
  (_name, app: AwsSolutionApp) => {
    const detail = app.description.ApplicationDetail;
    const input = detail.InputDescriptions?.[0];

    it("describes the SQL it carries", () => {
      expect(app.sql.length).toBeGreaterThan(0);
      expect(detail.ApplicationCode).toBe(app.sql);
    });

    it("has one streaming source whose in-application stream the SQL reads", () => {
      expect(detail.InputDescriptions).toHaveLength(1);
      expect(input?.InAppStreamNames).toEqual([`${input?.NamePrefix}_001`]);
      expect(input?.InputParallelism.Count).toBe(1);
      expect(app.sql.toUpperCase()).toContain(`${input?.NamePrefix}_001`.toUpperCase());
    });

    it("delivers streams that the SQL creates", () => {
      const outputs = detail.OutputDescriptions ?? [];
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) {
        const name = output.Name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
        expect(app.sql, output.Name).toMatch(new RegExp(`CREATE (OR REPLACE )?STREAM "?${name}"?\\s*\\(`));
      }
    });

    it("generates records that the input schema maps", () => {
      const records = app.generateInput({ seed: 17, count: 500, start: START });
      expect(records).toHaveLength(500);
      expect(records[0]?.arrivalTime).toBe(START);
      const columns = input?.InputSchema.RecordColumns ?? [];
      let previous = Number.NEGATIVE_INFINITY;
      for (const record of records) {
        expect(record.arrivalTime).toBeGreaterThan(previous);
        previous = record.arrivalTime;
        const json = JSON.parse(record.data) as Record<string, unknown>;
        for (const column of columns) {
          const value = mapped(json, column);
          expect(
            fits(value, column.SqlType),
            `${column.Name} = ${JSON.stringify(value)} as ${column.SqlType}`,
          ).toBe(true);
        }
      }
      const present = columns.filter((column) =>
        records.some((r) => mapped(JSON.parse(r.data), column) != null),
      );
      expect(present.length, "most columns get values").toBeGreaterThanOrEqual(Math.min(columns.length, 5));
    });

    it("generates the same records for a seed and others for another seed", () => {
      const options = { seed: 3, count: 50, start: START };
      expect(app.generateInput(options)).toEqual(app.generateInput(options));
      expect(app.generateInput({ ...options, seed: 4 })).not.toEqual(app.generateInput(options));
    });
  },
);

describe("seededRandom", () => {
  it("repeats its sequence for a seed and stays in range", () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    for (let i = 0; i < 100; i += 1) {
      const value = a.int(3, 5);
      expect(value).toBe(b.int(3, 5));
      expect(value).toBeGreaterThanOrEqual(3);
      expect(value).toBeLessThanOrEqual(5);
    }
    expect(() => a.pick([])).toThrow(/no items/);
  });
});
