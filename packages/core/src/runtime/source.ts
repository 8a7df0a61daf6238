import type { AwsAccess } from "../aws/aws-access.ts";
import type { Key } from "../state/key-group.ts";
import type { ConnectorContext } from "./connector-context.ts";
import type { SplitId } from "./elements.ts";
import type { OutputTag } from "./output-tag.ts";

/**
 * A batch of records read from one split, with the split's position after its last record.
 *
 * @example
 * const batch: SourceBatch<string> = { kind: "data", split: "0", values: ["a", "b"], position: 2 };
 */
export interface SourceBatch<T> {
  /** Discriminates batches from split events. */
  readonly kind: "data";
  /** The split the records were read from. */
  readonly split: SplitId;
  /**
   * Set for records that belong to a side output of the source, e.g. dead letters that could not
   * be decoded: they flow to `stream.getSideOutput(tag)`, not to the main stream.
   */
  readonly tag?: OutputTag<unknown> | undefined;
  /** The records, in the split's order. */
  readonly values: T[];
  /** Event times, when the source knows them (else they are assigned by `withWatermarks`). */
  readonly timestamps?: number[];
  /**
   * Where to resume this split after the last record of this batch: JSON-serializable. The runtime
   * records it only once the batch has been handed downstream, so a checkpoint never runs ahead
   * of the records it covers.
   */
  readonly position: unknown;
}

/**
 * A split started, went idle, came back, or was read to its end. An idle split is left out of
 * the watermark (so it does not hold event time back) until it is active again.
 *
 * @example
 * const idle: SourceSplitEvent = { kind: "split-status", split: "shardId-000000000001", status: "idle" };
 */
export interface SourceSplitEvent {
  /** Discriminates split events from batches. */
  readonly kind: "split-status";
  /** The split whose status changed. */
  readonly split: SplitId;
  /**
   * `idle`: no records for a while; `active`: records again; `finished`: read to its end (a closed
   * shard). A split restored from a checkpoint that the source will never read again (gone from
   * its listing: a trimmed shard, a deleted file) must be reported `finished` too: the watermark
   * assigner starts every split of the checkpoint at the watermark it had, and waits for it.
   */
  readonly status: "idle" | "active" | "finished";
  /** For `finished`: the split's final position, kept so a restore does not read it again. */
  readonly position?: unknown;
}

/**
 * What a {@link SourceReader} returns: records, or a change of a split's status.
 *
 * @example
 * const events: SourceEvent<number>[] = [
 *   { kind: "data", split: "0", values: [1, 2, 3], position: 3 },
 *   { kind: "split-status", split: "0", status: "finished", position: 3 },
 * ];
 */
export type SourceEvent<T> = SourceBatch<T> | SourceSplitEvent;

/**
 * What the runtime tells a source when it opens it.
 *
 * @example
 * const counter: Source<number> = {
 *   name: "counter",
 *   bounded: true,
 *   open(context: SourceContext) {
 *     let next = (context.restoredPositions.get("0") as number | undefined) ?? 0;
 *     return {
 *       async next() {
 *         if (next >= 10 || context.signal.aborted) return undefined;
 *         next++;
 *         return { kind: "data", split: "0", values: [next], position: next };
 *       },
 *     };
 *   },
 * };
 */
export interface SourceContext extends ConnectorContext {
  /** Positions per split from the checkpoint being restored; empty on a fresh start. */
  readonly restoredPositions: ReadonlyMap<SplitId, unknown>;
  /**
   * The splits this reader reads, when the job runs on several workers and this one holds the
   * leases of only some ({@link SplittableSource}); `undefined` (one process runs the whole job):
   * every split.
   */
  readonly assignedSplits?: ReadonlySet<SplitId> | undefined;
}

/**
 * Reads a source; one reader per running job.
 *
 * @example
 * function linesReader(lines: readonly string[], from: number): SourceReader<string> {
 *   let position = from;
 *   return {
 *     async next() {
 *       if (position >= lines.length) return undefined;
 *       const values = lines.slice(position, position + 100);
 *       position += values.length;
 *       return { kind: "data", split: "0", values, position };
 *     },
 *   };
 * }
 */
export interface SourceReader<T> {
  /**
   * The next batch or split event; `undefined` once a bounded source is exhausted. May take as long
   * as it needs (waiting for data); the runtime injects barriers while it waits. Once
   * `context.signal` is aborted, a pending read should resolve `undefined` rather than reject: the
   * runtime has stopped listening, so a rejection would go unhandled.
   */
  next(): Promise<SourceEvent<T> | undefined>;
  /**
   * Optional, for metrics: how far each split's reader is behind the newest record of its split
   * (ms), e.g. Kinesis' `MillisBehindLatest` of the last read. Called only when someone reads the
   * job's metrics, never per record; splits it leaves out are reported without a lag.
   */
  millisBehindLatest?(): ReadonlyMap<SplitId, number | undefined>;
  /** Release connections and timers. */
  close?(): Promise<void> | void;
}

/**
 * A source of records: a Kinesis stream, a file, an iterable. Positions are per split, so a
 * restored job resumes every split exactly after the last record its checkpoint covered.
 *
 * @example
 * const words = (text: string): Source<string> => ({
 *   name: "words",
 *   bounded: true,
 *   open(context) {
 *     const all = text.split(" ");
 *     let position = (context.restoredPositions.get("0") as number | undefined) ?? 0;
 *     return {
 *       async next() {
 *         if (position >= all.length) return undefined;
 *         const values = all.slice(position, position + 1000);
 *         position += values.length;
 *         return { kind: "data", split: "0", values, position };
 *       },
 *     };
 *   },
 * });
 * job.source(words("to be or not to be")).sink(consoleSink());
 */
export interface Source<T> {
  /** Identifies the source in checkpoints and messages. */
  readonly name: string;
  /** Whether `next()` eventually returns `undefined`. */
  readonly bounded: boolean;
  /** Opens a reader that resumes at `context.restoredPositions` (empty on a fresh start). */
  open(context: SourceContext): SourceReader<T> | Promise<SourceReader<T>>;
  /**
   * Optional: the AWS access it needs (actions on resources), for `iamPolicy(job)` and
   * `eddy iam-policy`; computed from options alone, without calling AWS.
   */
  awsAccess?(): readonly AwsAccess[];
}

/**
 * One split of a {@link SplittableSource} as it is shared out between workers: its id (the lease's
 * key), the splits that must be read to their end before it (a child shard's parents), and the key
 * groups whose keyed state travels with it.
 *
 * @example
 * const child: SourceSplit = { id: "shardId-000000000003", parents: ["shardId-000000000001"], keyGroups: [64, 65] };
 */
export interface SourceSplit {
  /** The split's id, as the reader reports it in batches. */
  readonly id: SplitId;
  /** Splits to finish first (default none). */
  readonly parents?: readonly SplitId[];
  /**
   * The key groups only this split's records fall in (default none): whoever reads the split owns
   * their state. Empty when the source's records are not partitioned by key.
   */
  readonly keyGroups?: readonly number[];
}

/**
 * What {@link SplittableSource.listSplits} is told.
 *
 * @example
 * const splits = await source.listSplits({ keyGroups: 128, signal: AbortSignal.timeout(10_000) });
 * declare const source: SplittableSource<unknown>;
 */
export interface SplitListingContext {
  /** The job's number of key groups: each split names the ones its records fall in. */
  readonly keyGroups: number;
  /** Aborted when the job stops. */
  readonly signal: AbortSignal;
}

/**
 * A source whose input is divided into splits that several workers can share (Kinesis shards,
 * generator partitions): it lists its splits, and its reader reads only
 * `context.assignedSplits` when that is set.
 *
 * Keyed state can follow the splits only when every record of a key comes from one split:
 * `partitionKey` names the key the records were partitioned by. A keyed operator whose key
 * selector is this very function, with only record-forwarding operators (`filter`,
 * `withWatermarks`) between it and the source, is co-partitioned with it: owning a split means
 * owning exactly its `keyGroups`.
 *
 * @example
 * const bySymbol = (t: Tick) => t.symbol;
 * const ticks: SplittableSource<Tick> = generatorSource({ partitions: 4, partitionKey: bySymbol, generate: tickAt, count: 1e6 });
 * const splits = await ticks.listSplits({ keyGroups: 128, signal: new AbortController().signal });
 * interface Tick {
 *   readonly symbol: string;
 *   readonly at: number;
 * }
 * declare function tickAt(index: number): Tick;
 */
export interface SplittableSource<T> extends Source<T> {
  /** Every split of the input, parents before their children. */
  listSplits(context: SplitListingContext): Promise<readonly SourceSplit[]> | readonly SourceSplit[];
  /** The key records were partitioned into splits by, when they were (see above). */
  readonly partitionKey?: ((value: T) => Key) | undefined;
}

/**
 * Whether `source` can list its splits and read a subset of them.
 *
 * @example
 * if (!isSplittable(source)) throw new Error(`${source.name} cannot be shared between workers`);
 * declare const source: Source<unknown>;
 */
export function isSplittable<T>(source: Source<T>): source is SplittableSource<T> {
  return typeof (source as Partial<SplittableSource<T>>).listSplits === "function";
}
