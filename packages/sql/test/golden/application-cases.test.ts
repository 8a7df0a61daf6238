import { describe, expect, it } from "vitest";
import { compileSql } from "../../src/planner/compile-sql.ts";
import { expectedAsDecided } from "./corrections.ts";
import type { GoldenApplicationCase } from "./golden-case.ts";
import { runApplicationCase } from "./golden-runner.ts";
import { applicationCases } from "./index.ts";
import { supportedApplicationCases } from "./supported-application-cases.ts";

interface Outcome {
  readonly pass: boolean;
  readonly detail: string;
}

// The documented application run from its SQL text: parsed, checked, planned, run on the harness.
async function run(c: GoldenApplicationCase): Promise<Outcome> {
  try {
    const result = await runApplicationCase(c, c.sql, {
      compile: (sql, context) => compileSql(sql, { ...context, queryStart: 0 }),
    });
    const got = JSON.stringify(result.rows);
    // The printed rows, with the slips the Semantics page decides against undone (A4).
    const want = JSON.stringify(expectedAsDecided(c));
    return { pass: got === want, detail: got === want ? "" : `got ${got}\nwant ${want}` };
  } catch (error) {
    return { pass: false, detail: `failed: ${(error as Error).message}` };
  }
}

describe("golden application cases from their SQL text", () => {
  const supported = new Set(supportedApplicationCases);

  it.each(supportedApplicationCases)("%s", async (id) => {
    const c = applicationCases.find((x) => x.id === id);
    expect(c, `${id} is not an application case`).toBeDefined();
    const outcome = await run(c!);
    expect(outcome.pass, outcome.detail).toBe(true);
  });

  it("lists every case that passes, so the supported list only grows", async () => {
    const others = applicationCases.filter((c) => !supported.has(c.id));
    const outcomes = await Promise.all(others.map(async (c) => ({ id: c.id, ...(await run(c)) })));
    const passing = supported.size + outcomes.filter((o) => o.pass).length;
    console.log(`golden application cases from SQL: ${passing} of ${applicationCases.length} pass`);
    for (const o of outcomes.filter((x) => !x.pass)) console.log(`  not yet: ${o.id}`);
    expect(
      outcomes.filter((o) => o.pass).map((o) => o.id),
      "these cases pass now: add them to supported-application-cases.ts",
    ).toEqual([]);
  });
});
