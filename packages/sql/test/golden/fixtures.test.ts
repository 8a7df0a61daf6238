import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { SqlValue } from "../../src/index.ts";
import type { GoldenApplicationCase, GoldenCase, GoldenSource } from "./index.ts";
import {
  applicationCases,
  errorCases,
  expectedAsDecided,
  expressionCases,
  goldenCase,
  goldenCases,
  noRowCases,
} from "./index.ts";
import { date, dayTime, time, timeOfDay, timestamp, yearMonth } from "./values.ts";

const PAGE_URL =
  /^https:\/\/docs\.aws\.amazon\.com\/kinesisanalytics\/latest\/(sqlref|dev)\/([\w-]+)\.html(#[\w-]+)?$/;
const MIRROR =
  /^(c2hans\/aws-docs@[0-9a-f]{40}:docs\/kinesisanalytics\/latest\/(sqlref|dev)\/[\w-]+\.md|awsdocs\/amazon-kinesis-data-analytics-developer-guide@[0-9a-f]{40}:doc_source\/[\w-]+\.md)$/;

function pageOf(source: GoldenSource): string {
  const match = PAGE_URL.exec(source.url);
  if (match === null) throw new Error(`not a KDA SQL docs URL: ${source.url}`);
  return match[2] ?? "";
}

function isRowTime(value: SqlValue | undefined): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

function keysOf(row: object): string {
  return Object.keys(row).sort().join(",");
}

describe("golden fixtures", () => {
  it("has cases of every kind", () => {
    expect(applicationCases.length).toBeGreaterThan(0);
    expect(expressionCases.length).toBeGreaterThan(0);
    expect(errorCases.length).toBeGreaterThan(0);
    expect(noRowCases.length).toBeGreaterThan(0);
    expect(applicationCases.length + expressionCases.length + errorCases.length + noRowCases.length).toBe(
      goldenCases.length,
    );
  });

  it("gives every case a unique id of the form <page>/<name>", () => {
    const ids = goldenCases.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const c of goldenCases) expect(c.id).toMatch(/^[\w-]+\/[\w.-]+$/);
  });

  it.each(goldenCases.map((c) => [c.id, c] as const))(
    "%s names its page and the markdown it was read from",
    (id, c) => {
      expect(c.source.url, id).toMatch(PAGE_URL);
      expect(c.source.mirror, id).toMatch(MIRROR);
      expect(id.split("/")[0], id).toBe(pageOf(c.source));
      expect(c.source.mirror.endsWith(`/${pageOf(c.source)}.md`), id).toBe(true);
      for (const other of c.alsoDocumentedBy ?? []) {
        expect(other.url, id).toMatch(PAGE_URL);
        expect(other.mirror, id).toMatch(MIRROR);
        expect(pageOf(other), id).not.toBe(pageOf(c.source));
      }
      expect(c.title.trim(), id).not.toBe("");
      for (const note of c.notes ?? []) expect(note.trim(), id).not.toBe("");
      for (const ambiguity of c.ambiguities ?? []) {
        expect(ambiguity.text.trim(), id).not.toBe("");
        if (ambiguity.ref !== undefined) {
          expect(Number(ambiguity.ref.slice(1)), id).toBeGreaterThanOrEqual(1);
          expect(Number(ambiguity.ref.slice(1)), id).toBeLessThanOrEqual(21);
        }
        if (ambiguity.corrections !== undefined) {
          expect(c.kind, `${id}: only printed rows are corrected`).toBe("application");
          expect(ambiguity.ref, `${id}: a correction follows a decision of the Semantics page`).toBeDefined();
          // Every correction names a printed row and column of a printed stream.
          if (c.kind === "application") expect(() => expectedAsDecided(c), id).not.toThrow();
        }
      }
      if (c.asPrinted !== undefined) {
        expect(c.asPrinted, id).not.toBe(c.kind === "application" ? c.sql : c.expression);
        expect(c.notes?.length ?? 0, `${id} says what was changed`).toBeGreaterThan(0);
      }
    },
  );

  describe("application cases", () => {
    it.each(applicationCases.map((c) => [c.id, c] as const))(
      "%s has SQL, ordered inputs and documented rows",
      (id, c) => {
        expect(c.sql.trim(), id).not.toBe("");
        expectInputsConsistent(c);
        expectExpectedConsistent(c);
      },
    );
  });

  it.each(expressionCases.map((c) => [c.id, c] as const))(
    "%s has an expression and its printed result",
    (id, c) => {
      expect(c.expression.trim(), id).not.toBe("");
      expect(c.printed.trim(), id).not.toBe("");
      expect(c.expected, id).not.toBeUndefined();
      if (c.clock !== undefined) expect(isRowTime(c.clock), id).toBe(true);
    },
  );

  it.each(errorCases.map((c) => [c.id, c] as const))(
    "%s has a statement and the message it fails with",
    (id, c) => {
      expect(c.expression.trim(), id).not.toBe("");
      expect(c.error.trim(), id).not.toBe("");
    },
  );

  it.each(noRowCases.map((c) => [c.id, c] as const))("%s has an expression", (id, c) => {
    expect(c.expression.trim(), id).not.toBe("");
  });

  it("finds a case by id and rejects an unknown id", () => {
    const first = goldenCases[0] as GoldenCase;
    expect(goldenCase(first.id)).toBe(first);
    expect(() => goldenCase("no-such-page/no-such-case")).toThrow(/no golden case/);
  });
});

function expectInputsConsistent(c: GoldenApplicationCase): void {
  for (const [stream, rows] of Object.entries(c.inputs)) {
    const declared = c.inputColumns[stream];
    expect(declared, `${c.id}: input ${stream} has declared columns`).toBeDefined();
    let previous = Number.NEGATIVE_INFINITY;
    for (const [index, row] of rows.entries()) {
      const at = `${c.id}: ${stream}[${index}]`;
      expect(isRowTime(row.ROWTIME), `${at} has an epoch-ms ROWTIME`).toBe(true);
      const rowtime = row.ROWTIME as number;
      expect(rowtime, `${at} ROWTIME ascending`).toBeGreaterThanOrEqual(previous);
      previous = rowtime;
      for (const column of Object.keys(row)) {
        if (column !== "ROWTIME")
          expect(Object.keys(declared ?? {}), `${at} column ${column} declared`).toContain(column);
      }
    }
  }
  for (const stream of Object.keys(c.inputColumns)) expect(Object.keys(c.inputs), c.id).toContain(stream);
  if (c.inputOrder !== undefined) {
    const pushed = c.inputOrder.map(([stream, index]) => `${stream}#${index}`);
    const all = Object.entries(c.inputs).flatMap(([stream, rows]) =>
      rows.map((_, index) => `${stream}#${index}`),
    );
    expect(new Set(pushed).size, `${c.id}: inputOrder pushes each row once`).toBe(pushed.length);
    expect([...pushed].sort(), `${c.id}: inputOrder covers every input row`).toEqual([...all].sort());
    const times = c.inputOrder.map(([stream, index]) => c.inputs[stream]?.[index]?.ROWTIME as number);
    expect(times, `${c.id}: inputOrder is in ROWTIME order`).toEqual([...times].sort((a, b) => a - b));
  }
}

function expectExpectedConsistent(c: GoldenApplicationCase): void {
  const streams = Object.entries(c.expected);
  expect(streams.length, `${c.id} documents some output`).toBeGreaterThan(0);
  for (const [stream, rows] of streams) {
    expect(rows.length, `${c.id}: ${stream || "(query)"} has rows`).toBeGreaterThan(0);
    const shape = keysOf(rows[0] ?? {});
    for (const [index, row] of rows.entries()) {
      expect(keysOf(row), `${c.id}: ${stream}[${index}] has the columns of the first row`).toBe(shape);
      if ("ROWTIME" in row) expect(isRowTime(row.ROWTIME), `${c.id}: ${stream}[${index}] ROWTIME`).toBe(true);
    }
    const held = c.heldUntilBound?.[stream];
    if (held !== undefined) {
      expect(held, c.id).toBeGreaterThan(0);
      expect(held, c.id).toBeLessThanOrEqual(rows.length);
    }
  }
  for (const stream of Object.keys(c.heldUntilBound ?? {}))
    expect(Object.keys(c.expected), c.id).toContain(stream);
}

describe("value helpers", () => {
  it("reads printed timestamps as UTC epoch milliseconds", () => {
    expect(timestamp("1970-01-01 00:00:00")).toBe(0);
    expect(timestamp("1970-01-01 00:00:01.5")).toBe(1500);
    expect(timestamp("2004-09-30 13:48:23")).toBe(Date.parse("2004-09-30T13:48:23Z"));
    expect(timestamp("2018-08-01T20:17:20.797")).toBe(Date.parse("2018-08-01T20:17:20.797Z"));
    expect(timestamp("0009-01-01 00:00:00")).toBe(Date.parse("0009-01-01T00:00:00Z"));
    expect(() => timestamp("2004-09-30")).toThrow(/not a timestamp/);
    expect(() => timestamp("30/09/2004 13:48:23")).toThrow(/not a timestamp/);
  });

  it("reads dates, times and times of day", () => {
    expect(date("2004-12-02")).toBe(Date.parse("2004-12-02T00:00:00Z"));
    expect(time("12:03:34")).toBe(((12 * 60 + 3) * 60 + 34) * 1000);
    expect(timeOfDay("10:00:45")).toBe(Date.parse("2000-01-01T10:00:45Z"));
    expect(() => time("12:03")).toThrow(/not a time/);
  });

  it("builds intervals from their printed fields", () => {
    expect(dayTime({ negative: true, days: 2, hours: 4 })).toEqual({
      kind: "day-time",
      ms: -(52 * 3_600_000),
    });
    expect(dayTime({ days: 3, hours: 4, minutes: 20 })).toEqual({
      kind: "day-time",
      ms: (76 * 60 + 20) * 60_000,
    });
    expect(yearMonth({ years: 4, months: 4 })).toEqual({ kind: "year-month", months: 52 });
  });
});

describe("README", () => {
  const readme = readFileSync(new URL("./README.md", import.meta.url), "utf8");

  it("lists every case id in its table of covered pages, and no other", () => {
    const table = /<!-- cases:start -->([\s\S]*)<!-- cases:end -->/.exec(readme)?.[1] ?? "";
    const listed = [...table.matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? "");
    expect(new Set(listed).size, "no id listed twice").toBe(listed.length);
    expect([...listed].sort()).toEqual(goldenCases.map((c) => c.id).sort());
  });
});
