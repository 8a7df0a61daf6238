import type { DataStream } from "@eddy/core";
import { createTestHarness, type TestHarness } from "@eddy/core/testing";
import type { LogicalPlan, SqlRow } from "../../plan/logical-plan.ts";
import { lowerPlan } from "../lower-plan.ts";

/**
 * Core's test harness around a plan's first bare query, for tests that drive watermarks and
 * checkpoints themselves (`snapshotAndRestore`). Every input reads the harness's one stream, or
 * what `inputOf` makes of it (a filter per input name, say); the query starts at 0.
 */
export function queryHarness(
  plan: LogicalPlan,
  inputOf: (rows: DataStream<SqlRow>, name: string) => DataStream<SqlRow> = (rows) => rows,
): TestHarness<SqlRow, SqlRow> {
  return createTestHarness(
    (rows: DataStream<SqlRow>) =>
      lowerPlan(
        plan,
        { input: (name) => inputOf(rows, name), values: () => rows, referenceRows: () => [] },
        { queryStart: 0 },
      ).queries.get("")!,
  );
}
