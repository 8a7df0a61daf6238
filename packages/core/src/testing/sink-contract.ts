import { silentLogger } from "../logging/logger.ts";
import type { Sink, SinkWriter } from "../runtime/sink.ts";
import { v8Serde } from "../state/serde.ts";
import { systemClock } from "../time/clock.ts";
import {
  type ConnectorContextOverrides,
  sinkContext,
  type TestConnectorContext,
} from "./connector-contexts.ts";
import { type ContractCase, ContractViolation } from "./contract-case.ts";
import {
  canonical,
  check,
  describeDifference,
  difference,
  quietly,
  show,
  violation,
} from "./contract-checks.ts";

/**
 * Where a sink under {@link sinkContract} writes: one per case, fresh and empty (a new directory,
 * stream, table or prefix).
 *
 * @example
 * const lines: string[] = [];
 * const destination: SinkDestination<string> = {
 *   sink: () => ({ name: "lines", write: (values) => void lines.push(...values), snapshot: () => undefined }),
 *   readBack: () => lines,
 * };
 */
export interface SinkDestination<T> {
  /** A new sink writing here, as a job (or a job restarted after a crash) makes one. */
  sink(): Sink<T>;
  /** Every record visible here now, as a reader of the destination sees it, in any order. */
  readBack(): Promise<readonly T[]> | readonly T[];
  /** Removes the destination after its case (optional). */
  remove?(): Promise<void> | void;
}

/**
 * What {@link sinkContract} tests. Defaults are in {@link SINK_CONTRACT_DEFAULTS}.
 *
 * @example
 * const options: SinkContractOptions<{ id: number }> = {
 *   guarantee: "exactly-once",
 *   destination: async () => {
 *     const directory = await newDirectory();
 *     return {
 *       sink: () => jsonLinesSink(directory),
 *       readBack: () => readCommittedLines(directory),
 *       remove: () => removeDirectory(directory),
 *     };
 *   },
 *   record: (i) => ({ id: i }),
 * };
 * declare function newDirectory(): Promise<string>;
 * declare function readCommittedLines(directory: string): Promise<{ id: number }[]>;
 * declare function removeDirectory(directory: string): Promise<void>;
 */
export interface SinkContractOptions<T> {
  /**
   * What the sink promises: `exactly-once` (records become visible when the checkpoint covering
   * them completes, and never twice), or `at-least-once` (nothing a completed checkpoint covers is
   * lost; records may show twice after a restore).
   */
  readonly guarantee: "exactly-once" | "at-least-once";
  /** A fresh, empty destination for one case. */
  destination(): SinkDestination<T> | Promise<SinkDestination<T>>;
  /** The test record number `index`: different indexes, different records. */
  record(index: number): T;
  /**
   * Optional: a record the sink cannot write (one the service refuses). With it, a case checks
   * that the sink sets it aside on `context.deadLetters`, with its reason, and writes the others.
   */
  readonly badRecord?: T;
  /**
   * What the sinks' contexts get besides restored state and the signal (default: the system
   * clock, a silent logger, fresh metrics).
   */
  readonly context?: Omit<ConnectorContextOverrides, "signal">;
  /** How long written records may take to become visible, in ms of real time (default 10 000). */
  readonly visibleWithinMs?: number;
  /** Records per `write` (default 5). */
  readonly batchSize?: number;
}

/**
 * Defaults of {@link SinkContractOptions}.
 *
 * @example
 * const slowService: SinkContractOptions<unknown>["visibleWithinMs"] = SINK_CONTRACT_DEFAULTS.visibleWithinMs * 3;
 */
export const SINK_CONTRACT_DEFAULTS = {
  /** Written records may take 10 s to show (a service that delivers in the background). */
  visibleWithinMs: 10_000,
  /** Five records per `write`: several batches per checkpoint, few records to compare. */
  batchSize: 5,
} as const;

/** Event time of test record `index`: one second apart from 2026-01-01. */
const timestampOf = (index: number) => Date.UTC(2026, 0, 1) + index * 1_000;

/**
 * The contract every {@link Sink} keeps, as framework-free test cases (run one test per case; see
 * {@link ContractCase}). Each case writes numbered records to a fresh destination in batches and
 * calls the sink's hooks in the runtime's order (`open`, `write`s, `snapshot(id)` at a barrier,
 * `notifyCheckpointComplete(id)` once the checkpoint is stored, `finish` at the end of input,
 * `close` in every case); a crash is a `close` without `finish`, and a restore is a new sink
 * from `destination.sink()` opened with the state `snapshot` returned (through the job's
 * serializer) and that checkpoint's id. It checks:
 *
 * - the sink runs through a checkpoint's life cycle in that order and every record shows at the
 *   end; exactly-once: nothing shows before the checkpoint covering it completes, and then it does;
 * - the state `snapshot` returns survives the job's serializer;
 * - `close` without `finish` leaves nothing half-visible: exactly-once, exactly what the completed
 *   checkpoints cover; at-least-once, all of that and nothing but whole records it was given;
 * - restored from a completed checkpoint, with the records after it replayed, nothing is lost,
 *   and an exactly-once sink shows each record once;
 * - restored from a checkpoint that was stored but whose notice never came, the sink commits what
 *   it covers (exactly-once: on `open`);
 * - restored from a checkpoint after which another was taken but never completed, what only the
 *   unfinished one covered does not show twice (exactly-once);
 * - restarted fresh after a crash before its first checkpoint completed, each record shows once
 *   (exactly-once) or at least once;
 * - an exactly-once sink that declares `severalWriters`, opened as a writer of several
 *   (`SinkContext.writer`) and then, as a worker's next run does, the same instance opened again
 *   with its last published state: it commits that state and carries nothing of the run before
 *   (what that run staged after it is replayed, and shows once);
 * - with `badRecord`: the sink sends it to `context.deadLetters` (origin, reason and error filled
 *   in, the record as `value` or `data`), writes the records around it and does not fail.
 *
 * "Shows" is what `destination.readBack()` returns; the kit polls it for up to `visibleWithinMs`
 * when it waits for records to appear.
 *
 * @example
 * import { describe, test } from "vitest";
 * describe("collectSink keeps the Sink contract", () => {
 *   const cases = sinkContract({
 *     guarantee: "at-least-once",
 *     destination: () => {
 *       const out = collectSink<{ id: number }>();
 *       return { sink: () => out.sink, readBack: () => out.values() };
 *     },
 *     record: (i) => ({ id: i }),
 *   });
 *   for (const c of cases) test(c.name, c.run);
 * });
 */
export function sinkContract<T>(options: SinkContractOptions<T>): ContractCase[] {
  const exactlyOnce = options.guarantee === "exactly-once";
  const visibleWithinMs = options.visibleWithinMs ?? SINK_CONTRACT_DEFAULTS.visibleWithinMs;
  const batchSize = options.batchSize ?? SINK_CONTRACT_DEFAULTS.batchSize;
  /** Batches `first`, `first + 1`, … of test records. */
  const batches = (first: number, count: number): Batch<T>[] =>
    Array.from({ length: count }, (_, b) => {
      const indexes = Array.from({ length: batchSize }, (_, i) => (first + b) * batchSize + i);
      return { values: indexes.map((i) => options.record(i)), timestamps: indexes.map(timestampOf) };
    });

  const withDestination = (body: (at: Destination<T>) => Promise<void>) => async (): Promise<void> => {
    const destination = await options.destination();
    const at = new Destination(destination, options, visibleWithinMs);
    try {
      await body(at);
    } finally {
      await at.closeAll();
      await destination.remove?.();
    }
  };

  const A = batches(0, 2);
  const B = batches(2, 2);
  const C = batches(4, 1);
  const [a, b, c] = [A, B, C].map(recordsOf) as [T[], T[], T[]];
  const all = [...a, ...b, ...c];

  const cases: ContractCase[] = [
    {
      name: "runs open, write, snapshot, notifyCheckpointComplete, finish and close in the runtime's order; every record shows",
      run: withDestination(async (at) => {
        const sink = await at.open();
        await sink.write(A);
        await sink.snapshot(1);
        if (exactlyOnce) await at.showsNoneOf(a, "after snapshot(1), before checkpoint 1 completed");
        await sink.notify(1);
        await at.shows(a, "after checkpoint 1 completed", exactlyOnce);
        await sink.write(B);
        if (exactlyOnce) await at.showsNoneOf(b, "after writes following checkpoint 1");
        await sink.snapshot(2);
        await sink.notify(2);
        await sink.write(C);
        await sink.finish();
        await sink.close();
        await at.shows(all, "after finish and close", exactlyOnce);
      }),
    },
    {
      name: "close without finish leaves nothing half-visible",
      run: withDestination(async (at) => {
        const sink = await at.open();
        await sink.write(A);
        await sink.snapshot(1);
        await sink.notify(1);
        await sink.write(B);
        await sink.snapshot(2);
        await sink.write(C);
        await sink.close();
        await at.shows(a, "after close without finish (checkpoint 1 completed, 2 did not)", exactlyOnce, all);
      }),
    },
    {
      name: "restored from a completed checkpoint with the rest replayed, nothing is lost and nothing shows twice",
      run: withDestination(async (at) => {
        const crashed = await at.open();
        await crashed.write(A);
        const state = await crashed.snapshot(1);
        await crashed.notify(1);
        await crashed.write(B);
        await crashed.close();
        const restored = await at.open({ state, checkpointId: 1 });
        await restored.write(B);
        await restored.finish();
        await restored.close();
        await at.shows([...a, ...b], "after the restore from checkpoint 1 and the replay", exactlyOnce);
      }),
    },
    {
      name: "restored from a checkpoint that was stored but not notified, it commits what the checkpoint covers",
      run: withDestination(async (at) => {
        const crashed = await at.open();
        await crashed.write(A);
        const state = await crashed.snapshot(1);
        await crashed.write(B);
        await crashed.close();
        const restored = await at.open({ state, checkpointId: 1 });
        if (exactlyOnce) await at.shows(a, "after open restored from checkpoint 1, never notified", true);
        await restored.write(B);
        await restored.finish();
        await restored.close();
        await at.shows([...a, ...b], "after the restore from checkpoint 1 and the replay", exactlyOnce);
      }),
    },
    {
      name: "restored from the checkpoint before one that never completed, nothing shows twice",
      run: withDestination(async (at) => {
        const crashed = await at.open();
        await crashed.write(A);
        const state = await crashed.snapshot(1);
        await crashed.notify(1);
        await crashed.write(B);
        await crashed.snapshot(2);
        await crashed.write(C);
        await crashed.close();
        const restored = await at.open({ state, checkpointId: 1 });
        if (exactlyOnce) await at.shows(a, "after open restored from checkpoint 1", true);
        await restored.write(B);
        await restored.write(C);
        await restored.finish();
        await restored.close();
        await at.shows(all, "after the restore from checkpoint 1 and the replay", exactlyOnce);
      }),
    },
    {
      name: "as one of several writers, the same instance opened again (a worker's next run) commits its published state and carries nothing of the run before",
      run: withDestination(async (at) => {
        const writer: SinkWriter = { workerId: "worker-a", incarnation: 1, othersPending: [] };
        const first = await at.open(undefined, { writer });
        // Sinks that do not run on several workers (or are not exactly-once) have nothing to show here.
        if (!first.sink.severalWriters || !exactlyOnce) return;
        await first.write(A);
        const published = await first.snapshot(1);
        await first.write(B);
        await first.snapshot(2); // its publish never happened: a new run replays B
        await first.write(C);
        await first.close();
        const second = await at.open({ state: published, checkpointId: 1 }, { writer, again: first });
        await at.shows(a, "after the instance was opened again with checkpoint 1's state", true);
        await second.write(B);
        await second.write(C);
        await second.snapshot(3);
        await second.notify(3);
        await second.finish();
        await second.close();
        await at.shows(all, "after the second run replayed B and C and committed checkpoint 3", true);
      }),
    },
    {
      name: "restarted fresh after a crash before its first checkpoint completed, each record shows once",
      run: withDestination(async (at) => {
        const crashed = await at.open();
        await crashed.write(A);
        await crashed.snapshot(1);
        await crashed.close();
        const fresh = await at.open();
        if (exactlyOnce) await at.showsNoneOf(a, "after a fresh restart: checkpoint 1 never completed");
        await fresh.write(A);
        await fresh.finish();
        await fresh.close();
        await at.shows(a, "after the fresh restart wrote everything again", exactlyOnce);
      }),
    },
  ];
  const { badRecord } = options;
  if (badRecord === undefined) return cases;
  cases.push({
    name: "sets a record it cannot write aside on context.deadLetters and writes the others",
    run: withDestination(async (at) => {
      const sink = await at.open();
      const good = recordsOf(batches(0, 1));
      const values = [...good.slice(0, 2), badRecord, ...good.slice(2)];
      await sink.write([{ values, timestamps: values.map((_, i) => timestampOf(i)) }]);
      await sink.snapshot(1);
      await sink.notify(1);
      await sink.finish();
      await sink.close();
      await at.shows(good, "after the batch with the bad record was written", exactlyOnce);
      const visible = await at.readBack();
      check(
        !visible.some((r) => canonical(r) === canonical(badRecord)),
        () => `the record the sink could not write shows: ${show(badRecord)}`,
      );
      const letters = sink.context.deadLettersSent;
      check(
        letters.length === 1,
        () => `context.deadLetters got ${letters.length} letters, not 1: ${show(letters)}`,
      );
      const letter = letters[0]!;
      for (const field of ["origin", "reason", "error"] as const) {
        check(
          typeof letter[field] === "string" && letter[field] !== "",
          () => `the dead letter's ${field} should say something: ${show(letter)}`,
        );
      }
      check(
        canonical(letter.value) === canonical(badRecord) || letter.data !== undefined,
        () => `the dead letter carries neither the record as value nor its bytes as data: ${show(letter)}`,
      );
      check(
        sink.context.metrics.deadLetters === 1,
        () => `context.metrics.deadLetters is ${sink.context.metrics.deadLetters}, not 1`,
      );
    }),
  });
  return cases;
}

/** A case's destination: opens sinks on it (closed at the end), and checks what shows. */
class Destination<T> {
  readonly #opened: SinkRun<T>[] = [];

  constructor(
    private readonly destination: SinkDestination<T>,
    private readonly options: SinkContractOptions<T>,
    private readonly visibleWithinMs: number,
  ) {}

  /**
   * A new sink, opened fresh or restored; with `as`, opened as that writer of several, and with
   * `again`, that instance opened once more (as a worker's next run opens the job's sinks).
   */
  async open(
    restore?: { state: unknown; checkpointId: number },
    as?: { writer: SinkWriter; again?: SinkRun<T> },
  ): Promise<SinkRun<T>> {
    const controller = new AbortController();
    const context = sinkContext({
      clock: systemClock,
      logger: silentLogger,
      ...this.options.context,
      signal: controller.signal,
      restoredState: restore?.state,
      restoredCheckpointId: restore?.checkpointId,
      writer: as?.writer,
    });
    const run = new SinkRun(as?.again?.sink ?? this.destination.sink(), context, controller);
    this.#opened.push(run);
    await run.step(restore ? `open() restored from checkpoint ${restore.checkpointId}` : "open()", () =>
      run.sink.open?.(context),
    );
    return run;
  }

  /** Closes every sink not closed yet (a failed case leaves them open), quietly. */
  async closeAll(): Promise<void> {
    for (const run of this.#opened) {
      run.controller.abort();
      if (!run.closed) await quietly(() => run.sink.close?.());
    }
  }

  async readBack(): Promise<readonly T[]> {
    return this.destination.readBack();
  }

  /**
   * Waits until every one of `records` shows; then, `exactly`: nothing else shows and none twice;
   * otherwise: everything that shows is one of `given` (whole records the sink was given).
   */
  async shows(
    records: readonly T[],
    when: string,
    exactly: boolean,
    given: readonly T[] = records,
  ): Promise<void> {
    const deadline = performance.now() + this.visibleWithinMs;
    let visible = await this.readBack();
    const lacking = () => difference(unique(records), unique(visible)).missing;
    while (lacking().length > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      visible = await this.readBack();
    }
    const missing = lacking();
    check(
      missing.length === 0,
      () =>
        `${when}, ${missing.length} of the ${records.length} records that should show did not within ${this.visibleWithinMs} ms: ${show(missing)}`,
    );
    if (exactly) {
      const { extra } = difference(records, visible);
      check(
        extra.length === 0,
        () =>
          `${when}, the destination shows records it should not (exactly-once): ${describeDifference([], extra)}`,
      );
    } else {
      const allowed = new Set(given.map(canonical));
      const foreign = visible.filter((r) => !allowed.has(canonical(r)));
      check(
        foreign.length === 0,
        () =>
          `${when}, the destination shows records the sink was not given (partial or garbled?): ${show(foreign)}`,
      );
    }
  }

  /** None of `records` shows now. */
  async showsNoneOf(records: readonly T[], when: string): Promise<void> {
    const keys = new Set(records.map(canonical));
    const early = (await this.readBack()).filter((r) => keys.has(canonical(r)));
    check(
      early.length === 0,
      () => `${when}, ${early.length} uncommitted records show (exactly-once): ${show(early)}`,
    );
  }
}

/** One sink instance: its hooks, each called once at a time, naming the step when it fails. */
class SinkRun<T> {
  closed = false;

  constructor(
    readonly sink: Sink<T>,
    readonly context: ReturnType<typeof sinkContext> & TestConnectorContext,
    readonly controller: AbortController,
  ) {}

  async step<R>(what: string, call: () => R | Promise<R>): Promise<R> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof ContractViolation) throw error;
      throw new ContractViolation(`${this.sink.name}: ${what} failed: ${show(error)}`, { cause: error });
    }
  }

  async write(batches: readonly Batch<T>[]): Promise<void> {
    for (const { values, timestamps } of batches) {
      await this.step(`write of ${values.length} records`, () =>
        this.sink.write([...values], [...timestamps]),
      );
    }
  }

  /** A barrier: the state, as the job would store and restore it. */
  async snapshot(checkpointId: number): Promise<unknown> {
    const state = await this.step(`snapshot(${checkpointId})`, () => this.sink.snapshot?.(checkpointId));
    try {
      return v8Serde.deserialize(v8Serde.serialize(state));
    } catch (error) {
      return violation(
        `snapshot(${checkpointId}) returned state the job cannot store (${show(error)}): ${show(state)}`,
      );
    }
  }

  notify(checkpointId: number): Promise<void> {
    return this.step(`notifyCheckpointComplete(${checkpointId})`, () =>
      this.sink.notifyCheckpointComplete?.(checkpointId),
    );
  }

  finish(): Promise<void> {
    return this.step("finish()", () => this.sink.finish?.());
  }

  close(): Promise<void> {
    this.closed = true;
    return this.step("close()", () => this.sink.close?.());
  }
}

/** Records to write in one call, with their event times. */
interface Batch<T> {
  readonly values: readonly T[];
  readonly timestamps: readonly number[];
}

function recordsOf<T>(batches: readonly Batch<T>[]): T[] {
  return batches.flatMap((batch) => batch.values);
}

/** Each distinct record once. */
function unique<T>(records: readonly T[]): T[] {
  const seen = new Set<string>();
  return records.filter((r) => {
    const key = canonical(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
