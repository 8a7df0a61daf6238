/** A click of the bounded repartition test, at event time `ts`. */
export interface BoundedClick {
  readonly ip: string;
  readonly page: string;
  readonly ts: number;
}

/**
 * Click `i` of the bounded repartition test's input: its worker generates them, and the test
 * computes the expected counts from the same function.
 */
export const boundedClickAt = (i: number): BoundedClick => ({
  ip: `10.0.0.${(i * 11) % 37}`,
  page: `/p${(i * 7) % 12}`,
  ts: i * 10,
});

/**
 * What the job must write for the first `clicks` clicks: per page and one-second window (fields
 * `page|windowStart`), the count as the results hash holds it (a string).
 */
export function expectedBoundedCounts(clicks: number): Record<string, string> {
  const windows = new Map<string, number>();
  for (let i = 0; i < clicks; i++) {
    const c = boundedClickAt(i);
    const field = `${c.page}|${Math.floor(c.ts / 1_000) * 1_000}`;
    windows.set(field, (windows.get(field) ?? 0) + 1);
  }
  return Object.fromEntries([...windows].map(([field, n]) => [field, String(n)]));
}
