import type { LogicalPlan } from "../../src/plan/logical-plan.ts";
import { type HarnessRow, type SqlHarnessOptions, sqlHarness } from "../../src/testing/sql-harness.ts";
import type { GoldenApplicationCase, GoldenRow } from "./golden-case.ts";

/** What one application case gave, per expected stream: the rows before and after `finish()`. */
export interface GoldenRun {
  /** Stream → rows seen before the end of input (projected onto the expected rows' columns). */
  readonly beforeFinish: Record<string, GoldenRow[]>;
  /** Stream → every row, after `finish()` (projected likewise). */
  readonly rows: Record<string, GoldenRow[]>;
}

/**
 * Runs an application case through `sqlHarness`, as `README.md` describes: the case's SQL (or a
 * plan standing for it), its input rows pushed in ROWTIME order across streams (ties in
 * `inputOrder`, else stream by stream), then `finish()`. Rows are projected onto the columns the
 * expected rows carry, so a test compares them with `expected` as printed.
 */
export async function runApplicationCase(
  golden: GoldenApplicationCase,
  source: string | LogicalPlan,
  options: Omit<SqlHarnessOptions, "inputs"> = {},
): Promise<GoldenRun> {
  const h = await sqlHarness(source, { ...options, inputs: golden.inputColumns });
  for (const [stream, row] of pushOrder(golden)) {
    const { ROWTIME, ...columns } = row;
    await h.push(stream, columns, ROWTIME as number);
  }
  const project = (read: (stream: string) => HarnessRow[]) =>
    Object.fromEntries(
      Object.entries(golden.expected).map(([stream, expected]) => [
        stream,
        read(stream).map((row) => onto(row, expected)),
      ]),
    );
  const beforeFinish = project((stream) => h.rows(stream));
  await h.finish();
  return { beforeFinish, rows: project((stream) => h.rows(stream)) };
}

function pushOrder(golden: GoldenApplicationCase): [string, GoldenRow][] {
  if (golden.inputOrder) return golden.inputOrder.map(([stream, i]) => [stream, golden.inputs[stream]![i]!]);
  const all = Object.entries(golden.inputs).flatMap(([stream, rows], s) =>
    rows.map((row, i) => ({ stream, row, order: s * 1e6 + i })),
  );
  all.sort((a, b) => (a.row.ROWTIME as number) - (b.row.ROWTIME as number) || a.order - b.order);
  return all.map((entry) => [entry.stream, entry.row]);
}

/** `row` with only the columns the expected rows print. */
function onto(row: HarnessRow, expected: readonly GoldenRow[]): GoldenRow {
  const columns = new Set(expected.flatMap((e) => Object.keys(e)));
  return Object.fromEntries([...columns].map((column) => [column, row[column] ?? null]));
}
