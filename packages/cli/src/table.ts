/**
 * Rows as aligned columns under a header, for a person to read: numbers right-aligned, text left.
 * An empty table prints the header alone.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
): string {
  const cells = [header, ...rows.map((row) => row.map(String))];
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]?.length ?? 0)));
  const numeric = header.map(
    (_, column) => rows.length > 0 && rows.every((row) => typeof row[column] === "number"),
  );
  const line = (row: readonly string[]) =>
    row
      .map((cell, column) =>
        numeric[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join("  ")
      .trimEnd();
  return `${cells.map(line).join("\n")}\n`;
}

/** A time as ISO 8601 UTC, to the second. */
export function isoTime(epochMs: number | undefined): string {
  return epochMs === undefined ? "-" : new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** A byte count as a person reads it: `812 B`, `14.2 KiB`, `3.1 MiB`. */
export function bytes(count: number): string {
  if (count < 1024) return `${count} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
