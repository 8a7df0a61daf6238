import { type DataStream, sum, tumbling } from "@eddy/core";
import { createTestHarness } from "@eddy/core/testing";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LogicalPlan, OverWindow, PlanNode } from "../plan/logical-plan.ts";
import { sqlHarness } from "../testing/sql-harness.ts";
import {
  aggregate,
  call,
  col,
  field,
  fields,
  input,
  rowtime,
  scan,
  step,
  T,
} from "./test-support/plan-builders.ts";

const stream = input("S", [field("K", T.varchar(1)), field("X", T.integer), field("ID", T.integer)]);
const k = col(0, T.varchar(1));
const x = col(1, T.integer);

interface Row {
  readonly K: string;
  readonly X: number | null;
  readonly ID: number;
  readonly at: number;
}

/** Rows in ROWTIME order (with ties), a few keys, some NULLs. */
const rowsArb = fc
  .array(
    fc.record({
      K: fc.constantFrom("a", "b", "c"),
      X: fc.option(fc.integer({ min: -50, max: 50 }), { nil: null, freq: 5 }),
      gap: fc.constantFrom(0, 0, 1, 250, 999, 1_000, 4_000),
    }),
    { maxLength: 60 },
  )
  .map((drawn) => {
    let at = 0;
    return drawn.map((d, ID): Row => {
      at += d.gap;
      return { K: d.K, X: d.X, ID, at };
    });
  });

const bare = (query: PlanNode): LogicalPlan => ({
  inputs: [stream],
  streams: [],
  referenceTables: [],
  pumps: [],
  queries: [{ name: "", query }],
});

async function runRows(plan: LogicalPlan, rows: readonly Row[]) {
  const h = await sqlHarness(plan);
  for (const row of rows) await h.push("S", { K: row.K, X: row.X, ID: row.ID }, row.at);
  await h.finish();
  return h.rows();
}

/** SUM and COUNT as SQL has them: NULLs ignored, SUM of nothing NULL. */
function sumCount(values: readonly (number | null)[]): [number | null, number] {
  const present = values.filter((v): v is number => v !== null);
  return [present.length === 0 ? null : present.reduce((a, b) => a + b, 0), present.length];
}

/**
 * Runs W0 (by K: the numeric aggregates of X, one summary, and FIRST_VALUE(X) twice) and W1 (by X,
 * NULLs one partition as GROUP BY has them: COUNT(*) and SUM(X + ID) over ROWS 1) on `rows`, and
 * checks every result against a naive computation in arrival order.
 */
async function checkTwoWindows(
  rows: readonly Row[],
  frame: { range: number } | { rows: number },
): Promise<void> {
  // W0: by K, the numeric aggregates of X (one summary) and FIRST_VALUE(X) twice; W1: by X
  // (NULLs one partition, as GROUP BY has them), COUNT(*) and SUM(X + ID) over ROWS 1.
  const byX: OverWindow = { partitionBy: [x], frame: { rows: 1 } };
  const xPlusId = call("+", x, col(2, T.integer));
  const calls = [
    { window: 0, call: aggregate("MIN", [x]) },
    { window: 0, call: aggregate("MAX", [x]) },
    { window: 0, call: aggregate("AVG", [x]) },
    { window: 1, call: aggregate("COUNT", []) },
    { window: 0, call: aggregate("SUM", [x]) },
    { window: 0, call: aggregate("COUNT", [x]) },
    { window: 0, call: aggregate("FIRST_VALUE", [x]) },
    { window: 1, call: aggregate("SUM", [xPlusId]) },
    { window: 0, call: aggregate("FIRST_VALUE", [x]) },
  ];
  const names = ["MN", "MX", "AV", "N1", "S", "C", "F", "S1", "F2"];
  const over: PlanNode = {
    kind: "over",
    input: scan(stream),
    windows: [{ partitionBy: [k], frame }, byX],
    calls,
    columns: [
      ...stream.columns,
      ...fields(
        names,
        calls.map((c) => c.call),
      ),
    ],
  };
  const actual = await runRows(bare(over), rows);
  const expected = rows.map((row, i) => {
    const earlier = rows.slice(0, i + 1);
    const partition = earlier.filter((r) => r.K === row.K);
    const frameRows =
      "range" in frame
        ? partition.filter((r) => r.at >= row.at - frame.range)
        : partition.slice(-(frame.rows + 1));
    const xs = frameRows.map((r) => r.X);
    const present = xs.filter((v): v is number => v !== null);
    const [S, C] = sumCount(xs);
    const byXRows = earlier.filter((r) => r.X === row.X).slice(-2);
    const [S1] = sumCount(byXRows.map((r) => (r.X === null ? null : r.X + r.ID)));
    return {
      ROWTIME: row.at,
      K: row.K,
      X: row.X,
      ID: row.ID,
      MN: present.length === 0 ? null : Math.min(...present),
      MX: present.length === 0 ? null : Math.max(...present),
      // AVG of INTEGER is an INTEGER, truncated.
      AV: S === null ? null : Math.trunc(S / C) || 0,
      N1: byXRows.length,
      S,
      C,
      F: xs[0] ?? null,
      S1,
      F2: xs[0] ?? null,
    };
  });
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
    (a.ID as number) - (b.ID as number);
  expect([...actual].sort(byId)).toEqual(expected);
}

describe("SQL aggregates equal a naive computation on random input", () => {
  it("OVER (PARTITION BY K RANGE … PRECEDING | ROWS n PRECEDING): SUM and COUNT per row", async () => {
    const frameArb = fc.oneof(
      fc.constantFrom(0, 999, 1_000, 5_000).map((range) => ({ range })),
      fc.integer({ min: 0, max: 4 }).map((rows) => ({ rows })),
    );
    await fc.assert(
      fc.asyncProperty(rowsArb, frameArb, async (rows, frame) => {
        const window: OverWindow = { partitionBy: [k], frame };
        const calls = [aggregate("SUM", [x]), aggregate("COUNT", [x])];
        const over: PlanNode = {
          kind: "over",
          input: scan(stream),
          windows: [window],
          calls: calls.map((call) => ({ window: 0, call })),
          columns: [...stream.columns, ...fields(["S", "C"], calls)],
        };
        const actual = await runRows(bare(over), rows);
        const expected = rows.map((row, i) => {
          const partition = rows.slice(0, i + 1).filter((r) => r.K === row.K);
          const frameRows =
            "range" in frame
              ? partition.filter((r) => r.at >= row.at - frame.range)
              : partition.slice(-(frame.rows + 1));
          const [S, C] = sumCount(frameRows.map((r) => r.X));
          return { ROWTIME: row.at, K: row.K, X: row.X, ID: row.ID, S, C };
        });
        const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
          (a.ID as number) - (b.ID as number);
        expect([...actual].sort(byId)).toEqual(expected);
      }),
      { numRuns: 60 },
    );
  });

  it("several OVER windows: MIN, MAX, AVG, SUM, COUNT of one column, repeated calls, a computed argument, NULL partitions", async () => {
    const frameArb = fc.oneof(
      fc.constantFrom(0, 1_000, 5_000).map((range) => ({ range })),
      fc.integer({ min: 0, max: 3 }).map((rows) => ({ rows })),
    );
    // Rows of one ROWTIME from different partitions of the first window reach the second in
    // arrival order (ties are frequent in rowsArb).
    await fc.assert(fc.asyncProperty(rowsArb, frameArb, checkTwoWindows), { numRuns: 60 });
  });

  it("FIRST_VALUE and LAST_VALUE (RESPECT | IGNORE NULLS) over ROWS n PRECEDING, alone in the last window or together", async () => {
    const nullsArb = fc.constantFrom("respect" as const, "ignore" as const);
    await fc.assert(
      fc.asyncProperty(rowsArb, fc.integer({ min: 0, max: 3 }), nullsArb, async (rows, n, nulls) => {
        // W0 by K: FIRST_VALUE and LAST_VALUE; W1 by K, the last window: LAST_VALUE twice (one value).
        const calls = [
          { window: 0, call: aggregate("FIRST_VALUE", [x], { nulls }) },
          { window: 1, call: aggregate("LAST_VALUE", [x], { nulls }) },
          { window: 0, call: aggregate("LAST_VALUE", [x], { nulls }) },
          { window: 1, call: aggregate("LAST_VALUE", [x], { nulls }) },
        ];
        const over: PlanNode = {
          kind: "over",
          input: scan(stream),
          windows: [
            { partitionBy: [k], frame: { rows: n } },
            { partitionBy: [k], frame: { rows: n + 1 } },
          ],
          calls,
          columns: [
            ...stream.columns,
            ...fields(
              ["F", "L1", "L", "L2"],
              calls.map((c) => c.call),
            ),
          ],
        };
        const actual = await runRows(bare(over), rows);
        const pick = (frame: readonly Row[], first: boolean) => {
          const xs = frame.map((r) => r.X).filter((v) => nulls === "respect" || v !== null);
          return (first ? xs[0] : xs.at(-1)) ?? null;
        };
        const expected = rows.map((row, i) => {
          const partition = rows.slice(0, i + 1).filter((r) => r.K === row.K);
          const last = pick(partition.slice(-(n + 2)), false);
          return {
            ROWTIME: row.at,
            K: row.K,
            X: row.X,
            ID: row.ID,
            F: pick(partition.slice(-(n + 1)), true),
            L1: last,
            L: pick(partition.slice(-(n + 1)), false),
            L2: last,
          };
        });
        const byId = (a: Record<string, unknown>, b: Record<string, unknown>) =>
          (a.ID as number) - (b.ID as number);
        expect([...actual].sort(byId)).toEqual(expected);
      }),
      { numRuns: 40 },
    );
  });

  // The counterexample fast-check found when the second window saw ties by the first's partition.
  it("two OVER windows keep arrival order for rows of one ROWTIME from different partitions", async () => {
    const rows: Row[] = [
      { K: "c", X: 0, ID: 0, at: 0 },
      { K: "a", X: null, ID: 1, at: 0 },
      { K: "c", X: null, ID: 2, at: 0 },
    ];
    await checkTwoWindows(rows, { rows: 0 });
  });

  it("GROUP BY STEP(ROWTIME BY INTERVAL '1' SECOND), K: one row per second and key, at the second's end", async () => {
    await fc.assert(
      fc.asyncProperty(rowsArb, async (rows) => {
        const groupKeys = [step(rowtime, 1_000), k];
        const aggregates = [aggregate("SUM", [x]), aggregate("COUNT", [x])];
        const grouped: PlanNode = {
          kind: "tumbling-aggregate",
          input: scan(stream),
          groupKeys,
          window: { key: 0, buckets: { kind: "fixed", size: 1_000, offset: 0 } },
          aggregates,
          columns: fields(["SEC", "K", "S", "C"], [...groupKeys, ...aggregates]),
        };
        const actual = await runRows(bare(grouped), rows);
        const groups = new Map<string, Row[]>();
        for (const row of rows) {
          const key = `${Math.floor(row.at / 1_000) * 1_000}|${row.K}`;
          groups.set(key, [...(groups.get(key) ?? []), row]);
        }
        const expected = [...groups].map(([key, members]) => {
          const [sec, K] = key.split("|");
          const [S, C] = sumCount(members.map((r) => r.X));
          return { ROWTIME: Number(sec) + 1_000, SEC: Number(sec), K, S, C };
        });
        const order = (a: Record<string, unknown>, b: Record<string, unknown>) =>
          (a.ROWTIME as number) - (b.ROWTIME as number) || String(a.K).localeCompare(String(b.K));
        // Emission order itself is pinned: ROWTIME, then group keys (A16).
        expect(actual).toEqual([...expected].sort(order));
      }),
      { numRuns: 60 },
    );
  });
});

describe("SQL aggregates equal the typed DSL's on random input", () => {
  /** Rows without NULLs (the DSL's aggregates take numbers), through a DSL pipeline, with the
   * watermark each row's ROWTIME bounds (as sqlHarness has it). */
  async function dslRun<TOut>(rows: readonly Row[], build: (s: DataStream<Row>) => DataStream<TOut>) {
    const h = createTestHarness(build);
    for (const row of rows) {
      await h.processElement(row, row.at);
      await h.processWatermark(row.at - 1);
    }
    await h.endInput();
    return h.output();
  }
  const noNulls = rowsArb.map((rows) => rows.map((row) => ({ ...row, X: row.X ?? 0 })));

  it("GROUP BY STEP(ROWTIME BY INTERVAL '1' SECOND), K: SUM(X) as keyBy(K).window(tumbling(1 s)).aggregate(sum)", async () => {
    await fc.assert(
      fc.asyncProperty(noNulls, async (rows) => {
        const groupKeys = [step(rowtime, 1_000), k];
        const aggregates = [aggregate("SUM", [x])];
        const grouped: PlanNode = {
          kind: "tumbling-aggregate",
          input: scan(stream),
          groupKeys,
          window: { key: 0, buckets: { kind: "fixed", size: 1_000, offset: 0 } },
          aggregates,
          columns: fields(["SEC", "K", "S"], [...groupKeys, ...aggregates]),
        };
        const sql = (await runRows(bare(grouped), rows)).map((r) => [r.SEC, r.K, r.S]);
        const dsl = await dslRun(rows, (s) =>
          s
            .keyBy((r) => r.K)
            .window(tumbling(1_000))
            .aggregate(sum((r: Row) => r.X!)),
        );
        const byKey = (a: unknown[], b: unknown[]) =>
          (a[0] as number) - (b[0] as number) || String(a[1]).localeCompare(String(b[1]));
        expect(sql.sort(byKey)).toEqual(
          dsl.map(({ value: r }) => [r.window.start, r.key, r.value]).sort(byKey),
        );
      }),
      { numRuns: 40 },
    );
  });

  it("SUM(X) OVER (PARTITION BY K RANGE … PRECEDING) as keyBy(K).over({ range }).aggregate(sum)", async () => {
    await fc.assert(
      fc.asyncProperty(noNulls, fc.constantFrom(0, 999, 1_000, 5_000), async (rows, range) => {
        const calls = [aggregate("SUM", [x])];
        const over: PlanNode = {
          kind: "over",
          input: scan(stream),
          windows: [{ partitionBy: [k], frame: { range } }],
          calls: calls.map((call) => ({ window: 0, call })),
          columns: [...stream.columns, ...fields(["S"], calls)],
        };
        const sql = (await runRows(bare(over), rows)).map((r) => [r.ID, r.ROWTIME, r.S]);
        const dsl = await dslRun(rows, (s) =>
          s
            .keyBy((r) => r.K)
            .over({ range })
            .aggregate(sum((r: Row) => r.X!)),
        );
        const byId = (a: unknown[], b: unknown[]) => (a[0] as number) - (b[0] as number);
        expect(sql.sort(byId)).toEqual(
          dsl.map((r) => [r.value.record.ID, r.timestamp, r.value.value]).sort(byId),
        );
      }),
      { numRuns: 40 },
    );
  });
});
