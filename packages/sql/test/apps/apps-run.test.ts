import { describe, expect, it } from "vitest";
import { readApplicationDescription } from "../../src/application/application-description.ts";
import { compileInputMapping, inputStreamColumns } from "../../src/application/input-mapping.ts";
import { planSqlApplication } from "../../src/application/plan-sql-application.ts";
import { ERROR_STREAM } from "../../src/plan/error-stream.ts";
import { sqlHarness } from "../../src/testing/sql-harness.ts";
import { awsSolutionApps } from "./index.ts";

const START = Date.UTC(2024, 0, 1, 12, 0, 0);
const bytes = (text: string) => new TextEncoder().encode(text);

// The published applications run whole on generated input, every pump lowered (the web analytics
// visitor count groups by a MONOTONIC column, which closes its groups when the value changes).
describe.each(awsSolutionApps.map((app) => [app.name, app] as const))(
  "AWS Solutions app %s",
  (_name, app) => {
    it("runs on generated input and fills its output streams", async () => {
      const description = readApplicationDescription(app.description);
      const input = description.input!;
      const columns = inputStreamColumns(input.schema);
      const mapping = compileInputMapping(input.schema);
      const h = await sqlHarness(planSqlApplication(description, app.sql, { queryStart: START }), {
        queryStart: START,
      });
      for (const record of app.generateInput({ seed: 17, count: 200, start: START })) {
        const mapped = mapping.map(bytes(record.data), record.arrivalTime);
        for (const row of mapped.rows) {
          const byName = Object.fromEntries(columns.map((c, i) => [c.name, row[i] ?? null]));
          await h.push(input.streamNames[0]!, byName, record.arrivalTime);
        }
      }
      await h.finish();
      for (const output of description.outputs) {
        expect(h.rows(output.stream).length, `${output.stream} gets rows`).toBeGreaterThan(0);
      }
      const errors = h.rows(ERROR_STREAM).map((r) => `${r.ERROR_NAME}: ${r.MESSAGE}`);
      expect(errors.filter((e) => !e.startsWith("LATE_ROW"))).toEqual([]);
      if (app.name === "real-time-web-analytics") {
        const visitors = h.rows("DESTINATION_SQL_STREAM").filter((r) => r.METRICTYPE === "visitor_count");
        expect(visitors.length).toBeGreaterThan(0);
        for (const row of visitors) expect(row.UNITVALUEINT).toBeGreaterThan(0);
      }
    });
  },
);
