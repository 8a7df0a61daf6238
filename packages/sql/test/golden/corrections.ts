import type { GoldenApplicationCase, GoldenCorrection, GoldenRow } from "./golden-case.ts";

/**
 * The rows Eddy is expected to emit for an application case: the page's printed rows with the
 * `corrections` of its ambiguities applied, where `docs/sql/semantics.md` decides against a slip
 * of the page (A4: the join examples' swapped time columns, matched orders printed again as
 * unmatched, `s."orderid"` printed for unmatched left rows). Without corrections, `expected` as is.
 *
 * @example
 * const rows = expectedAsDecided(goldenCase("sql-reference-join-clause/example-5") as GoldenApplicationCase);
 * rows.OUTPUT_STREAM?.length; // 5: the page's 6 rows without its second, unmatched row of order 104
 */
export function expectedAsDecided(golden: GoldenApplicationCase): Record<string, GoldenRow[]> {
  const corrections = (golden.ambiguities ?? []).flatMap((a) => a.corrections ?? []);
  return Object.fromEntries(
    Object.entries(golden.expected).map(([stream, printed]) => [
      stream,
      correctRows(
        golden.id,
        stream,
        printed,
        corrections.filter((c) => c.stream === stream),
      ),
    ]),
  );
}

function correctRows(
  id: string,
  stream: string,
  printed: readonly GoldenRow[],
  corrections: readonly GoldenCorrection[],
): GoldenRow[] {
  const rows = printed.map((row) => ({ ...row }) as Record<string, GoldenRow[string]>);
  const dropped = new Set<number>();
  for (const correction of corrections) {
    const row = rows[correction.row];
    if (row === undefined) {
      throw new Error(
        `${id}: a correction names row ${correction.row} of "${stream}", which prints ${rows.length}`,
      );
    }
    const named =
      correction.kind === "swap" ? correction.columns : correction.kind === "null" ? [correction.column] : [];
    for (const column of named) {
      if (!(column in row))
        throw new Error(`${id}: a correction names column "${column}", not printed in "${stream}"`);
    }
    if (correction.kind === "drop") dropped.add(correction.row);
    else if (correction.kind === "null") row[correction.column] = null;
    else {
      const [a, b] = correction.columns;
      [row[a], row[b]] = [row[b] ?? null, row[a] ?? null];
    }
  }
  return rows.filter((_, i) => !dropped.has(i));
}
