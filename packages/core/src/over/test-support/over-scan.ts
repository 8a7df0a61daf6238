import fc from "fast-check";
import { expect } from "vitest";
import type { AggregateFunction } from "../../aggregates/aggregate-function.ts";
import type { DataStream } from "../../dsl/data-stream.ts";
import type { OverResult } from "../../dsl/keyed-stream.ts";
import type { OutputTag } from "../../runtime/output-tag.ts";
import { createTestHarness, type TimestampedValue } from "../../testing/index.ts";
import type { OverFrame } from "../over-operator.ts";

// What the over operator's tests share: their record type, a harness, and the batch computation
// every result is checked against.

export interface Tick {
  readonly k: string;
  readonly v: number;
}

export const tick = (k: string, v: number): Tick => ({ k, v });

/** `keyBy(k).over(frame)[.sideOutputLateData(late)].aggregate(fn)` under the harness. */
export function overHarness<R>(
  frame: OverFrame,
  fn: AggregateFunction<Tick, unknown, R>,
  late?: OutputTag<Tick>,
) {
  return createTestHarness((input: DataStream<Tick>) => {
    const over = input.keyBy((t) => t.k).over(frame);
    return (late ? over.sideOutputLateData(late) : over).aggregate(fn);
  });
}

/** `[value, result, timestamp]` per output, grouped by key: ordered within a key, not across keys. */
export function byKey<R>(
  out: TimestampedValue<OverResult<Tick, string, R>>[],
): Record<string, [number, R, number][]> {
  const groups: Record<string, [number, R, number][]> = {};
  for (const { value, timestamp } of out) append(groups, value.key, [value.record.v, value.value, timestamp]);
  return groups;
}

function append<V>(groups: Record<string, V[]>, key: string, row: V): void {
  const group = groups[key];
  if (group) group.push(row);
  else groups[key] = [row];
}

/** A record of the property tests: key, event time, value. */
export interface Rec {
  readonly key: string;
  readonly ts: number;
  readonly v: number;
}

/** The batch computation: stable sort by timestamp, then fold each record's frame with `add`. */
export function naive<TAcc, R>(
  records: readonly Rec[],
  frame: OverFrame,
  fn: AggregateFunction<Tick, TAcc, R>,
) {
  const sorted = [...records].sort((a, b) => a.ts - b.ts);
  const out: Record<string, [number, R, number][]> = {};
  sorted.forEach((r, i) => {
    const earlier = sorted.slice(0, i).filter((o) => o.key === r.key);
    const kept =
      "range" in frame
        ? earlier.filter((o) => o.ts >= r.ts - frame.range)
        : frame.rows === 0
          ? []
          : earlier.slice(-frame.rows);
    const acc = [...kept, r].reduce((a, o) => fn.add(a, tick(o.key, o.v)), fn.create());
    append(out, r.key, [r.v, fn.result(acc), r.ts]);
  });
  return out;
}

/** Records over three keys, with integer values (so sums are exact) and colliding timestamps. */
export const recordArbitrary = fc.record({
  key: fc.constantFrom("a", "b", "c"),
  ts: fc.integer({ min: 0, max: 60 }),
  v: fc.integer({ min: -50, max: 50 }),
});

/** Range and rows frames, zero and unbounded included. */
export const frameArbitrary = fc.oneof(
  fc.integer({ min: 0, max: 30 }).map((range): OverFrame => ({ range })),
  fc.integer({ min: 0, max: 6 }).map((rows): OverFrame => ({ rows })),
  fc.constant<OverFrame>({ range: Number.POSITIVE_INFINITY }),
);

/**
 * Property: for any records, frame and one of `aggregates`, with watermarks (never making a
 * record late) and snapshot-and-restores after arbitrary records, the output equals
 * {@link naive}'s.
 */
export async function expectNaiveScanResults(
  aggregates: readonly AggregateFunction<Tick, unknown, unknown>[],
  numRuns: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.array(recordArbitrary, { maxLength: 40 }),
      frameArbitrary,
      fc.constantFrom(...aggregates),
      fc.array(fc.nat(), { maxLength: 5 }),
      fc.array(fc.nat(), { maxLength: 3 }),
      async (records, frame, fn, watermarkAfter, restoreAfter) => {
        const h = overHarness(frame, fn);
        const marks = new Set(watermarkAfter.map((n) => n % (records.length + 1)));
        const restores = new Set(restoreAfter.map((n) => n % (records.length + 1)));
        let watermark = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < records.length; i++) {
          if (restores.has(i)) await h.snapshotAndRestore();
          await h.processElement(tick(records[i]!.key, records[i]!.v), records[i]!.ts);
          // The smallest timestamp still to come, minus 1: nothing is late.
          const rest = records.slice(i + 1).map((r) => r.ts);
          const next = rest.length > 0 ? Math.min(...rest) - 1 : Number.POSITIVE_INFINITY;
          if (marks.has(i) && next > watermark) {
            watermark = next;
            await h.processWatermark(next);
          }
        }
        await h.endInput();
        expect(byKey(h.output())).toEqual(naive(records, frame, fn));
      },
    ),
    { numRuns },
  );
}
