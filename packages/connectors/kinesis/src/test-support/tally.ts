import type { TestEvent } from "./producer.ts";

/** Keyed state for exactly-once checks: every `seq` of a key, in the order the job saw them. */
export interface Tally {
  readonly key: string;
  readonly seqs: readonly number[];
}

export const tallyOf = (e: TestEvent): Tally => ({ key: e.key, seqs: [e.seq] });
export const mergeTallies = (a: Tally, b: Tally): Tally => ({ key: a.key, seqs: [...a.seqs, ...b.seqs] });

/** The latest tally per key among emitted values (a rolling reduce emits after each record). */
export function latestByKey(values: readonly Tally[]): Map<string, readonly number[]> {
  const latest = new Map<string, readonly number[]>();
  for (const t of values) latest.set(t.key, t.seqs);
  return latest;
}

/** Whether every key in `expected` has exactly `count` seqs seen. */
export function complete(
  latest: Map<string, readonly number[]>,
  expected: ReadonlyMap<string, number>,
): boolean {
  for (const [key, count] of expected) if ((latest.get(key)?.length ?? 0) < count) return false;
  return true;
}

export function countsByKey(events: readonly TestEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.key, (counts.get(e.key) ?? 0) + 1);
  return counts;
}

export const range = (n: number) => Array.from({ length: n }, (_, i) => i);
