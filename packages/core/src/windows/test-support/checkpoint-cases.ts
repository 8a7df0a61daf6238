import type { AggregateFunction } from "../../aggregates/aggregate-function.ts";
import { stats } from "../../aggregates/stats.ts";
import { sum } from "../../aggregates/sum.ts";
import type { OperatorSnapshot, Output } from "../../runtime/operator.ts";
import { OutputTag } from "../../runtime/output-tag.ts";
import type { WindowAssigner } from "../assigner.ts";
import { global, session, sliding, tumbling } from "../assigners.ts";
import type { Trigger } from "../trigger.ts";
import { continuousEventTimeTrigger, countTrigger } from "../triggers.ts";
import type { TimeWindow } from "../window.ts";
import { windowOperator } from "../window-operator.ts";
import { directContext } from "./direct-context.ts";

/**
 * Window-operator runs used to hold checkpoint formats steady: one per path through the operator
 * (columnar aggregates on tumbling and sliding windows, a process-window function, sessions,
 * custom triggers on each kind of assigner), each fed the same seeded input of records and
 * watermarks, with snapshots taken at fixed steps.
 */

/** A test record: its key (strings and numbers, both legal keys) and a value. */
export interface Ev {
  readonly key: string | number;
  readonly v: number;
}

/** One element of the input: a batch of records or a watermark. */
export type Step =
  | { readonly kind: "records"; readonly values: Ev[]; readonly timestamps: number[] }
  | { readonly kind: "watermark"; readonly at: number };

/** What a run produced: results, late records and the late-record counters, in order. */
export interface Observed {
  readonly emitted: [unknown, number][];
  readonly late: [Ev, number][];
  readonly lateDropped: number;
}

export interface CheckpointCase {
  /** File-name friendly. */
  readonly name: string;
  readonly assigner: WindowAssigner<TimeWindow>;
  readonly trigger: Trigger<TimeWindow> | undefined;
  readonly aggregate: AggregateFunction<Ev, unknown, unknown>;
  readonly fire: (
    key: Ev["key"],
    window: TimeWindow,
    acc: unknown,
    emit: (value: unknown) => void,
    currentWatermark: number,
  ) => void;
  readonly withLateTag: boolean;
}

/** A process-window function's aggregate: every record of the window. */
const collect: AggregateFunction<Ev, Ev[], Ev[]> = {
  create: () => [],
  add: (acc, e) => {
    acc.push(e);
    return acc;
  },
  merge: (a, b) => a.concat(b),
  result: (acc) => acc,
};

/** A process-window function emitting two results per firing. */
const processFire: CheckpointCase["fire"] = (key, window, acc, emit, currentWatermark) => {
  const values = (acc as Ev[]).map((e) => e.v).sort((a, b) => a - b);
  emit({ key, start: window.start, end: window.end, values });
  emit({ key, count: values.length, watermark: currentWatermark });
};

const aggregateFire =
  (aggregate: AggregateFunction<Ev, unknown, unknown>): CheckpointCase["fire"] =>
  (key, window, acc, emit) =>
    emit({ key, start: window.start, end: window.end, value: aggregate.result(acc) });

const statsOfV = stats<Ev>((e) => e.v) as AggregateFunction<Ev, unknown, unknown>;
const sumOfV = sum<Ev>((e) => e.v) as AggregateFunction<Ev, unknown, unknown>;

/** Every case, by name. Adding one is fine; changing one invalidates its fixture. */
export const checkpointCases: readonly CheckpointCase[] = [
  {
    name: "tumbling-stats",
    assigner: tumbling(10),
    trigger: undefined,
    aggregate: statsOfV,
    fire: aggregateFire(statsOfV),
    withLateTag: true,
  },
  {
    name: "sliding-sum",
    assigner: sliding(12, 4, 1),
    trigger: undefined,
    aggregate: sumOfV,
    fire: aggregateFire(sumOfV),
    withLateTag: false,
  },
  {
    name: "tumbling-process",
    assigner: tumbling(10),
    trigger: undefined,
    aggregate: collect as AggregateFunction<Ev, unknown, unknown>,
    fire: processFire,
    withLateTag: true,
  },
  {
    name: "session-process",
    assigner: session(7),
    trigger: undefined,
    aggregate: collect as AggregateFunction<Ev, unknown, unknown>,
    fire: processFire,
    withLateTag: true,
  },
  {
    name: "tumbling-count-trigger",
    assigner: tumbling(10),
    trigger: countTrigger(3),
    aggregate: sumOfV,
    fire: aggregateFire(sumOfV),
    withLateTag: true,
  },
  {
    name: "sliding-continuous-trigger",
    assigner: sliding(12, 4),
    trigger: continuousEventTimeTrigger(5),
    aggregate: sumOfV,
    fire: aggregateFire(sumOfV),
    withLateTag: false,
  },
  {
    name: "session-count-trigger",
    assigner: session(7),
    trigger: countTrigger(2),
    aggregate: sumOfV,
    fire: aggregateFire(sumOfV),
    withLateTag: true,
  },
  {
    name: "global-count-trigger",
    assigner: global(),
    trigger: countTrigger(4),
    aggregate: statsOfV,
    fire: aggregateFire(statsOfV),
    withLateTag: false,
  },
];

/** The steps after which the fixtures' snapshots are taken: full, then incremental. */
export const FULL_AT = 90;
export const DELTA_AT = 170;
const STEPS = 260;
const KEYS: readonly Ev["key"][] = ["a", "b", "c", 7, "d", 11];

/**
 * The seeded input: batches of up to five records with out-of-order timestamps (some late) and a
 * watermark every few batches, trailing the largest timestamp seen.
 */
export function checkpointInput(): Step[] {
  let seed = 20_261_207;
  const random = () => {
    // A 32-bit LCG: enough to spread keys and timestamps, and the same on every machine.
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  const steps: Step[] = [];
  let now = 0;
  let maxTs = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < STEPS; i++) {
    if (i % 4 === 3) {
      steps.push({ kind: "watermark", at: maxTs - 6 });
      continue;
    }
    const n = 1 + Math.floor(random() * 5);
    const values: Ev[] = [];
    const timestamps: number[] = [];
    for (let j = 0; j < n; j++) {
      now += Math.floor(random() * 3);
      const ts = now - Math.floor(random() * 14);
      values.push({ key: KEYS[Math.floor(random() * KEYS.length)]!, v: Math.floor(random() * 100) - 20 });
      timestamps.push(ts);
      if (ts > maxTs) maxTs = ts;
    }
    steps.push({ kind: "records", values, timestamps });
  }
  return steps;
}

const late = new OutputTag<Ev>("late");

/** An operator of `c` driven directly, recording what it emits. */
export function openCase(c: CheckpointCase) {
  let watermark = Number.NEGATIVE_INFINITY;
  const observed = { emitted: [] as [unknown, number][], late: [] as [Ev, number][], lateDropped: 0 };
  const context = directContext({ keyGroups: 8, currentWatermark: () => watermark });
  const output: Output<unknown> = {
    emit: (value, timestamp) => observed.emitted.push([value, timestamp]),
    emitBatch: () => {
      throw new Error("the window operator emits record by record");
    },
    emitSide: (_tag, value, timestamp) => observed.late.push([value as Ev, timestamp]),
    emitWatermark: () => {},
  };
  const operator = windowOperator<Ev, Ev["key"], TimeWindow, unknown, unknown>({
    keyOf: (e) => e.key,
    assigner: c.assigner,
    trigger: c.trigger ?? c.assigner.defaultTrigger(),
    allowedLateness: 3,
    lateDataTag: c.withLateTag ? late : undefined,
    aggregate: c.aggregate,
    fire: c.fire,
  })(context, output);
  return {
    operator,
    /** Restores `snapshot`, as the runtime does, with the watermark the job had then. */
    restore(snapshot: OperatorSnapshot, at: number) {
      watermark = at;
      operator.restoreState!(snapshot);
    },
    /** Feeds steps `[from, to)`, then ends the input if `to` is the last. */
    run(steps: readonly Step[], from: number, to: number) {
      for (let i = from; i < to; i++) {
        const step = steps[i]!;
        if (step.kind === "records") {
          operator.processBatch({ kind: "data", values: step.values, timestamps: step.timestamps });
        } else if (step.at > watermark) {
          watermark = step.at;
          operator.processWatermark?.(step.at);
        }
      }
      if (to === steps.length) {
        watermark = Number.POSITIVE_INFINITY;
        operator.processWatermark?.(watermark);
        operator.finish?.();
      }
    },
    /** What was observed since the last call. */
    take(): Observed {
      const taken = { ...observed, lateDropped: context.metrics.lateRecordsDropped };
      observed.emitted = [];
      observed.late = [];
      context.metrics.lateRecordsDropped = 0;
      return taken;
    },
    get watermark() {
      return watermark;
    },
  };
}
