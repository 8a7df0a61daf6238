import { silentLogger } from "../logging/logger.ts";
import type { SplitId } from "../runtime/elements.ts";
import type { Source, SourceEvent, SourceReader } from "../runtime/source.ts";
import { systemClock } from "../time/clock.ts";
import { type ConnectorContextOverrides, sourceContext } from "./connector-contexts.ts";
import { type ContractCase, ContractViolation } from "./contract-case.ts";
import {
  check,
  describeDifference,
  difference,
  firstDifference,
  quietly,
  sameJson,
  show,
  violation,
  within,
} from "./contract-checks.ts";

/**
 * What {@link sourceContract} tests. Defaults are in {@link SOURCE_CONTRACT_DEFAULTS}.
 *
 * @example
 * const options: SourceContractOptions<number> = {
 *   source: fromIterable([1, 2, 3, 4, 5], { batchSize: 2 }),
 *   expected: [1, 2, 3, 4, 5],
 * };
 */
export interface SourceContractOptions<T> {
  /**
   * The source under test. The kit opens it many times, fresh and restored at the positions it
   * reported, so every open must read the same records: a fixed list, file, bucket or stream.
   * Small batches give it more positions to restore at. A function making the source is called
   * when a case runs: for a source on a server the test starts in `beforeAll`.
   */
  readonly source: Source<T> | (() => Source<T>);
  /**
   * The records the source holds, in any order across splits (a split's order is checked against
   * an uninterrupted read). Required for an unbounded source: the kit reads until it has this
   * many. For a bounded one, when given, a read to the end must return exactly these.
   */
  readonly expected?: readonly T[];
  /**
   * What the readers' contexts get besides their positions and signal (default: the system
   * clock, a silent logger, fresh metrics).
   */
  readonly context?: Omit<ConnectorContextOverrides, "signal">;
  /** Longest wait for one `next()`, in ms of real time (default 10 000). */
  readonly readTimeoutMs?: number;
  /** At most this many of the positions seen are restored at, spread evenly (default 20). */
  readonly maxRestorePoints?: number;
  /**
   * How long an unbounded source must stay quiet after the expected records, in ms (default
   * 300): a record in that time is one too many.
   */
  readonly quietMs?: number;
}

/**
 * Defaults of {@link SourceContractOptions}.
 *
 * @example
 * const patient: SourceContractOptions<unknown>["readTimeoutMs"] = SOURCE_CONTRACT_DEFAULTS.readTimeoutMs * 3;
 */
export const SOURCE_CONTRACT_DEFAULTS = {
  /** A read may wait 10 s (a stream polled now and then, a service slow to answer). */
  readTimeoutMs: 10_000,
  /** Restore at up to 20 positions: every batch of a small test input. */
  maxRestorePoints: 20,
  /** After the expected records, 300 ms without another. */
  quietMs: 300,
} as const;

/** A record as a split delivered it: its value, and the side output it went to, if any. */
interface SplitRecord {
  readonly tag: string | undefined;
  readonly value: unknown;
}

/** What one reader read: its events in order, the records per split, and the positions after each event. */
interface Reading<T> {
  readonly events: SourceEvent<T>[];
  readonly bySplit: Map<SplitId, SplitRecord[]>;
  /** Positions per split after each event, as the runtime would store them at a barrier there. */
  readonly positionsAfter: ReadonlyMap<SplitId, unknown>[];
  /** Main-output records read. */
  readonly records: T[];
  /** Splits that reported `finished`. */
  readonly finished: Set<SplitId>;
  /** The reader returned `undefined`. */
  ended: boolean;
}

/**
 * The contract every {@link Source} keeps, as framework-free test cases (run one test per case;
 * see {@link ContractCase}). Every event is checked as it is read: a data batch has a split, an
 * array of values, timestamps (if any) one per value, and a JSON position; a split event has a
 * known status; nothing comes from a split after it `finished`. The cases:
 *
 * - a reader opened with `sourceContext` reads every record once: to its end for a bounded source
 *   (after which `next()` keeps resolving `undefined`), or the `expected` records and then nothing
 *   for `quietMs` for an unbounded one; with `expected`, exactly those records;
 * - positions resume exactly after the last record of their batch (bytewax: "the snapshot is the
 *   position after the last emitted item"): a reader restored at any position the source reported
 *   (the positions of every split as a barrier there would store them) reads exactly the rest of
 *   every split, so the records before and after equal an uninterrupted read: no loss, no
 *   duplicate;
 * - a reader stopped part-way (its signal aborted, then closed) and a reader restored from its
 *   last positions together read what an uninterrupted read does;
 * - once the signal is aborted `next()` resolves `undefined` rather than rejecting, also a `next()`
 *   that was waiting when the abort came (a rejection would go unhandled: the runtime has stopped
 *   listening);
 * - `close` may be called twice, before any read and after an abort.
 *
 * Reads are bounded by `readTimeoutMs`; readers run on the system clock unless `context` says
 * otherwise.
 *
 * @example
 * import { describe, test } from "vitest";
 * describe("fromIterable keeps the Source contract", () => {
 *   const values = Array.from({ length: 50 }, (_, i) => ({ id: i }));
 *   for (const c of sourceContract({ source: fromIterable(values, { batchSize: 7 }), expected: values })) {
 *     test(c.name, c.run);
 *   }
 * });
 */
export function sourceContract<T>(options: SourceContractOptions<T>): ContractCase[] {
  const given = options.source;
  if (typeof given !== "function") requireExpected(given, options.expected);
  return (Object.keys(CASES) as CaseKey[]).map((key) => ({
    name: CASES[key],
    async run() {
      const source = typeof given === "function" ? given() : given;
      requireExpected(source, options.expected);
      await checksOf(source, options)[key]();
    },
  }));
}

/** The cases, by key. */
const CASES = {
  reads: "reads every record once, in well-formed events",
  resumes: "positions resume exactly after the last record of their batch: no loss, no duplicate",
  stopped:
    "a reader stopped part-way and one restored from its positions read what an uninterrupted read does",
  aborted: "next() resolves undefined once the signal is aborted, also a next() that was waiting",
  closed: "close can be called twice, before any read and after an abort",
} as const;
type CaseKey = keyof typeof CASES;

function requireExpected(source: Source<unknown>, expected: readonly unknown[] | undefined): void {
  if (source.bounded || expected !== undefined) return;
  throw new TypeError(
    `sourceContract(${source.name}): an unbounded source needs \`expected\`, the records to read before the kit stops`,
  );
}

/** The body of each case, for `source`. */
function checksOf<T>(
  source: Source<T>,
  options: SourceContractOptions<T>,
): Record<CaseKey, () => Promise<void>> {
  const { expected } = options;
  const readTimeoutMs = options.readTimeoutMs ?? SOURCE_CONTRACT_DEFAULTS.readTimeoutMs;
  const maxRestorePoints = options.maxRestorePoints ?? SOURCE_CONTRACT_DEFAULTS.maxRestorePoints;
  const quietMs = options.quietMs ?? SOURCE_CONTRACT_DEFAULTS.quietMs;

  /** Readers a case opened, closed when it ends however it ends. */
  const withReaders = (body: (open: Opener<T>) => Promise<void>) => async (): Promise<void> => {
    const opened: OpenReader<T>[] = [];
    try {
      await body(async (restoredPositions, what) => {
        const controller = new AbortController();
        const context = sourceContext({
          clock: systemClock,
          logger: silentLogger,
          ...options.context,
          restoredPositions,
          signal: controller.signal,
        });
        const reader = await within(
          Promise.resolve(source.open(context)),
          readTimeoutMs,
          `open() of ${source.name} for ${what}`,
        );
        const handle = { reader, controller, what, closed: false };
        opened.push(handle);
        return handle;
      });
    } finally {
      for (const handle of opened) {
        handle.controller.abort();
        // Quietly: the case has already passed or failed on its own.
        if (!handle.closed) await quietly(() => handle.reader.close?.());
      }
    }
  };

  /**
   * Reads a bounded source to its end, an unbounded one until it has read `records` main records
   * or waited `readTimeoutMs` for the next (then what it read shows what is missing).
   */
  const read = async (handle: OpenReader<T>, records = expected?.length ?? 0): Promise<Reading<T>> => {
    const reading = newReading<T>();
    if (source.bounded) {
      while (await readOne(handle, reading)) {}
      return reading;
    }
    try {
      while (reading.records.length < records && (await readOne(handle, reading))) {}
    } catch (error) {
      if (!(error instanceof ContractViolation && error.message.endsWith(STALLED))) throw error;
    }
    return reading;
  };

  /** Reads one event into `reading`; `false` at the end. */
  const readOne = async (handle: OpenReader<T>, reading: Reading<T>): Promise<boolean> => {
    const n = reading.events.length + 1;
    const event = await within(
      handle.reader.next(),
      readTimeoutMs,
      `next() #${n} of ${handle.what}`,
      STALLED,
    );
    if (event === undefined) {
      reading.ended = true;
      return false;
    }
    take(reading, event, `event #${n} of ${handle.what}`);
    return true;
  };

  /** An uninterrupted read of everything, with its checks. */
  const fullRead = async (open: Opener<T>): Promise<{ reading: Reading<T>; handle: OpenReader<T> }> => {
    const handle = await open(new Map(), "an uninterrupted read");
    const reading = await read(handle);
    if (source.bounded) {
      const again = await within(
        handle.reader.next(),
        readTimeoutMs,
        `next() after the end of ${handle.what}`,
      );
      check(
        again === undefined,
        () => `a bounded source's next() after its end resolved ${show(again)}, not undefined`,
      );
    }
    if (expected !== undefined) {
      const { missing, extra } = difference(expected, reading.records);
      check(
        missing.length === 0 && extra.length === 0,
        () =>
          `an uninterrupted read of ${source.name} did not return the expected records: ${describeDifference(missing, extra)}`,
      );
    }
    return { reading, handle };
  };

  return {
    reads: withReaders(async (open) => {
      const { handle } = await fullRead(open);
      if (source.bounded) return;
      // Unbounded: after the expected records, nothing more for a while. The read still waiting is aborted.
      const quietUntil = performance.now() + quietMs;
      let pending: Promise<SourceEvent<T> | undefined> | undefined;
      while (performance.now() < quietUntil) {
        pending ??= handle.reader.next();
        const event = await Promise.race([
          pending,
          sleep(quietUntil - performance.now()).then((): typeof QUIET => QUIET),
        ]);
        if (event === QUIET) break;
        pending = undefined;
        if (event === undefined) break;
        check(
          event.kind !== "data" || event.tag !== undefined || event.values.length === 0,
          () => `${source.name} read ${show(event)} after the ${expected!.length} expected records`,
        );
      }
      handle.controller.abort();
      if (pending) await settles(pending, `a next() waiting when the signal was aborted (${handle.what})`);
    }),
    resumes: withReaders(async (open) => {
      const { reading: reference } = await fullRead(open);
      const points = restorePoints(reference, maxRestorePoints);
      check(
        points.length > 0,
        `${source.name} reported no position: a checkpoint could not resume it (read a source with records)`,
      );
      for (const at of points) {
        const positions = reference.positionsAfter[at]!;
        const before = prefix(reference, at);
        const what = `a reader restored after event #${at + 1} of ${reference.events.length} at ${show(Object.fromEntries(positions))}`;
        const handle = await open(positions, what);
        const after = await read(handle, reference.records.length - countRecords(before));
        checkSameSplits(reference, before, after, what);
        handle.closed = true;
        await handle.reader.close?.();
      }
    }),
    stopped: withReaders(async (open) => {
      const { reading: reference } = await fullRead(open);
      const first = await open(new Map(), "a reader stopped part-way");
      const part = newReading<T>();
      const half = Math.max(1, Math.floor(reference.events.length / 2));
      while (part.events.length < half && (await readOne(first, part))) {}
      first.controller.abort();
      await endsAfterAbort(first);
      first.closed = true;
      await first.reader.close?.();
      const positions = part.positionsAfter.at(-1) ?? new Map();
      const what = `a reader restored at ${show(Object.fromEntries(positions))} after ${part.events.length} events`;
      const second = await open(positions, what);
      const rest = await read(second, reference.records.length - part.records.length);
      checkSameSplits(reference, part.bySplit, rest, what);
    }),
    aborted: withReaders(async (open) => {
      const early = await open(new Map(), "a reader aborted before its first read");
      early.controller.abort();
      await endsAfterAbort(early);

      const waiting = await open(new Map(), "a reader aborted while a read waits");
      if (!source.bounded) await read(waiting);
      const pending = waiting.reader.next();
      waiting.controller.abort();
      // It may have had an event in hand already; it must neither reject nor wait forever.
      await settles(pending, `a next() waiting when the signal was aborted (${waiting.what})`);
      await endsAfterAbort(waiting);
    }),
    closed: withReaders(async (open) => {
      const unread = await open(new Map(), "a reader never read");
      unread.closed = true;
      await unread.reader.close?.();
      await unread.reader.close?.();
      const aborted = await open(new Map(), "a reader aborted after one read");
      await readOne(aborted, newReading());
      aborted.controller.abort();
      aborted.closed = true;
      await aborted.reader.close?.();
      await aborted.reader.close?.();
    }),
  };

  /** A `next()` after the reader's signal was aborted resolves `undefined`. */
  async function endsAfterAbort(handle: OpenReader<T>): Promise<void> {
    const event = await settles(handle.reader.next(), `next() after the abort of ${handle.what}`);
    check(
      event === undefined,
      () => `next() after the abort of ${handle.what} resolved ${show(event)}, not undefined`,
    );
  }

  async function settles<R>(promise: Promise<R>, what: string): Promise<R> {
    try {
      return await within(promise, readTimeoutMs, what);
    } catch (error) {
      if (error instanceof ContractViolation) throw error;
      return violation(`${what} rejected (it should resolve undefined): ${show(error)}`);
    }
  }
}

type Opener<T> = (restoredPositions: ReadonlyMap<SplitId, unknown>, what: string) => Promise<OpenReader<T>>;

interface OpenReader<T> {
  readonly reader: SourceReader<T>;
  readonly controller: AbortController;
  readonly what: string;
  closed: boolean;
}

const QUIET = Symbol("quiet");
const STALLED = "(no record came)";

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function newReading<T>(): Reading<T> {
  return {
    events: [],
    bySplit: new Map(),
    positionsAfter: [],
    records: [],
    finished: new Set(),
    ended: false,
  };
}

/** Checks `event` and adds it to `reading`, tracking positions as the runtime does. */
function take<T>(reading: Reading<T>, event: SourceEvent<T>, where: string): void {
  check(typeof event === "object" && event !== null, () => `${where} is ${show(event)}, not an event`);
  check(
    typeof event.split === "string" && event.split !== "",
    () => `${where} has split ${show(event.split)}: a split id is a non-empty string`,
  );
  const previous = reading.positionsAfter.at(-1) ?? new Map<SplitId, unknown>();
  check(
    !reading.finished.has(event.split),
    () => `${where} comes from split "${event.split}" after it finished: ${show(event)}`,
  );
  const positions = new Map(previous);
  if (event.kind === "data") {
    check(Array.isArray(event.values), () => `${where} has values ${show(event.values)}, not an array`);
    check(
      event.timestamps === undefined ||
        (Array.isArray(event.timestamps) &&
          event.timestamps.length === event.values.length &&
          event.timestamps.every((t) => typeof t === "number")),
      () =>
        `${where} has timestamps ${show(event.timestamps)}: one number per value (${event.values.length}) or none`,
    );
    checkJsonPosition(event.position, where);
    positions.set(event.split, event.position);
    const records = reading.bySplit.get(event.split) ?? [];
    for (const value of event.values) records.push({ tag: event.tag?.id, value });
    reading.bySplit.set(event.split, records);
    if (event.tag === undefined) for (const value of event.values) reading.records.push(value);
  } else if (event.kind === "split-status") {
    check(
      event.status === "idle" || event.status === "active" || event.status === "finished",
      () => `${where} has status ${show(event.status)}: idle, active or finished`,
    );
    if (event.position !== undefined) {
      checkJsonPosition(event.position, where);
      positions.set(event.split, event.position);
    }
    if (event.status === "finished") reading.finished.add(event.split);
  } else {
    violation(`${where} has kind ${show((event as { kind: unknown }).kind)}: data or split-status`);
  }
  reading.events.push(event);
  reading.positionsAfter.push(positions);
}

function checkJsonPosition(position: unknown, where: string): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(position);
  } catch {
    json = undefined;
  }
  check(
    json !== undefined && sameJson(JSON.parse(json), position),
    () =>
      `${where} has position ${show(position)}, which does not survive JSON (checkpoints store positions as JSON)`,
  );
}

/** Indices of the events after which to restore: those that moved a position, at most `max`, spread evenly. */
function restorePoints(reading: Reading<unknown>, max: number): number[] {
  const moved = reading.events.flatMap((event, i) =>
    event.kind === "data" || event.position !== undefined ? [i] : [],
  );
  if (moved.length <= max) return moved;
  const step = (moved.length - 1) / (max - 1);
  return [...new Set(Array.from({ length: max }, (_, k) => moved[Math.round(k * step)]!))];
}

/** The records per split of the events up to and including `at`. */
function prefix(reading: Reading<unknown>, at: number): Map<SplitId, SplitRecord[]> {
  const bySplit = new Map<SplitId, SplitRecord[]>();
  for (const event of reading.events.slice(0, at + 1)) {
    if (event.kind !== "data") continue;
    const records = bySplit.get(event.split) ?? [];
    for (const value of event.values) records.push({ tag: event.tag?.id, value });
    bySplit.set(event.split, records);
  }
  return bySplit;
}

function countRecords(bySplit: ReadonlyMap<SplitId, readonly SplitRecord[]>): number {
  let n = 0;
  for (const records of bySplit.values()) n += records.filter((r) => r.tag === undefined).length;
  return n;
}

/** Per split, `before` then `after` must be exactly what `reference` read. */
function checkSameSplits(
  reference: Reading<unknown>,
  before: ReadonlyMap<SplitId, readonly SplitRecord[]>,
  after: Reading<unknown>,
  what: string,
): void {
  const splits = new Set([...reference.bySplit.keys(), ...before.keys(), ...after.bySplit.keys()]);
  for (const split of splits) {
    const want = reference.bySplit.get(split) ?? [];
    const got = [...(before.get(split) ?? []), ...(after.bySplit.get(split) ?? [])];
    const differs = firstDifference(want.map(shown), got.map(shown));
    check(
      differs === undefined,
      () =>
        `split "${split}": the records before the restore and those ${what} read are not an uninterrupted read's (${want.length} records): ${differs}`,
    );
  }
}

/** A split record as compared and shown: the value, or the side output and value. */
function shown(record: SplitRecord): unknown {
  return record.tag === undefined ? record.value : { sideOutput: record.tag, value: record.value };
}
