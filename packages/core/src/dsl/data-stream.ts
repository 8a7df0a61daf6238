import { keyOwnershipCheck } from "../keyed/key-ownership-check.ts";
import type { GraphNode, JobGraph } from "../runtime/graph.ts";
import type { OperatorFactory, OperatorOptions } from "../runtime/operator.ts";
import type { OperatorPartitioning } from "../runtime/operator-stage.ts";
import type { FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import type { Sink } from "../runtime/sink.ts";
import type { Key } from "../state/key-group.ts";
import { timestampAssigner } from "../watermarks/timestamp-assigner.ts";
import type { WatermarkStrategy } from "../watermarks/watermark-strategy.ts";
import { filterOperator, flatMapOperator, mapOperator, processOperator } from "./basic-operators.ts";
import { KeyedStream } from "./keyed-stream.ts";
import type { ProcessFunction } from "./process-function.ts";

/**
 * A stream of records of type `T`, each with an event time once `withWatermarks` has assigned it.
 * Methods return new streams; nothing runs until `job.run()`.
 *
 * @example
 * const job = pipeline("clicks");
 * const pages: DataStream<string> = job
 *   .source(fromIterable([{ user: "u1", page: "/", at: 1_000 }]))
 *   .withWatermarks(boundedOutOfOrderness(seconds(5)), (c) => c.at)
 *   .filter((c) => c.page !== "/health")
 *   .map((c) => c.page);
 * pages.sink(consoleSink());
 */
export class DataStream<T> {
  /** @internal */
  constructor(
    /** @internal */ readonly graph: JobGraph,
    /** @internal */ readonly node: GraphNode,
  ) {}

  /** One output per record. */
  map<R>(fn: (value: T, timestamp: number) => R, options?: OperatorOptions<T>): DataStream<R> {
    return this.transform("map", mapOperator(fn), options, "per-record");
  }

  /** Keeps the records `predicate` accepts; a type guard narrows the stream's type. */
  filter<S extends T>(
    predicate: (value: T, timestamp: number) => value is S,
    options?: OperatorOptions<T>,
  ): DataStream<S>;
  filter(predicate: (value: T, timestamp: number) => boolean, options?: OperatorOptions<T>): DataStream<T>;
  filter(predicate: (value: T, timestamp: number) => boolean, options?: OperatorOptions<T>): DataStream<T> {
    return this.transform("filter", filterOperator(predicate), options, "forwards");
  }

  /** Zero or more outputs per record, each with the input's timestamp. */
  flatMap<R>(fn: (value: T, timestamp: number) => Iterable<R>, options?: OperatorOptions<T>): DataStream<R> {
    return this.transform("flatMap", flatMapOperator(fn), options, "per-record");
  }

  /** Record-at-a-time logic with access to time and side outputs. */
  process<R>(fn: ProcessFunction<T, R>, options?: OperatorOptions<T>): DataStream<R> {
    return this.transform("process", processOperator(fn), options);
  }

  /**
   * Assigns event times with `timestampOf` and generates watermarks with `strategy`, one generator
   * per source split: the stream's watermark is the minimum over splits that are not idle.
   * Without `timestampOf`, the timestamps the source assigned are kept (e.g. Kinesis arrival time).
   * Watermarks from upstream are replaced (except the final one at the end of input). A record
   * whose timestamp is not a finite number fails (or goes to `options.errors`).
   *
   * @example
   * ticks.withWatermarks(boundedOutOfOrderness(seconds(5)).withIdleness(minutes(1)), (t) => t.timestamp * 1000)
   */
  withWatermarks(
    strategy: WatermarkStrategy,
    timestampOf?: (value: T) => number,
    options?: OperatorOptions<T>,
  ): DataStream<T> {
    return this.transform("withWatermarks", timestampAssigner(strategy, timestampOf), options, "forwards");
  }

  /**
   * Partitions the stream by key. Keys are strings or numbers (hashed into key groups for
   * checkpoints); derive a string for composite keys.
   */
  keyBy<K extends Key>(keyOf: (value: T) => K): KeyedStream<T, K> {
    return new KeyedStream(this, keyOf);
  }

  /**
   * Treats this stream as already partitioned by `keyOf`, without moving a record (Flink's
   * `reinterpretAsKeyedStream`): for re-keying the output of a keyed operator by the same key,
   * e.g. a window's or an over aggregate's results by their `key`. In one process it changes
   * nothing but the type. On several workers the stream counts as co-partitioned with the source
   * — a keyed operator on it runs where its key groups are — and each record is checked: one whose
   * key is in a key group this worker does not own goes to the dead letters (reason
   * `not-co-partitioned`) instead of into state another worker owns. Use it only where the
   * records of a key do come from that key's split: keyed by the source's `partitionKey` (or a
   * key that maps to the same values), with only per-record operators since.
   *
   * @example
   * const bySymbol = (t: Tick) => t.symbol;
   * const hourly = ticks.keyBy(bySymbol).over({ range: hours(1) }).aggregate(avg((t) => t.price));
   * // The over results are partitioned by symbol already: key them again without a shuffle.
   * const withPrevious = hourly
   *   .reinterpretAsKeyed((r) => r.key)
   *   .over({ rows: 1 })
   *   .aggregate(first((r) => r.value));
   * interface Tick {
   *   readonly symbol: string;
   *   readonly price: number;
   * }
   * declare const ticks: DataStream<Tick>;
   */
  reinterpretAsKeyed<K extends Key>(keyOf: (value: T) => K, options?: OperatorOptions<T>): KeyedStream<T, K> {
    const checked = this.transform("reinterpretAsKeyed", keyOwnershipCheck(keyOf), options, {
      asserted: keyOf as (value: unknown) => Key,
    });
    return new KeyedStream(checked, keyOf);
  }

  /** Merges streams of the same type. The watermark is the minimum of the inputs'; barriers are aligned. */
  union(...others: DataStream<T>[]): DataStream<T> {
    const inputs = [this.node, ...others.map((o) => o.node)];
    const node = this.graph.add("union", undefined, (id) => ({ kind: "union", id, inputs }));
    return new DataStream<T>(this.graph, node);
  }

  /** The records this stream's operator sent to the side output `tag` (late data, errors). */
  getSideOutput<S>(tag: OutputTag<S>): DataStream<S> {
    const node = this.graph.add(`side(${tag.id})`, undefined, (id) => ({
      kind: "side-output",
      id,
      input: this.node,
      tag: tag as OutputTag<unknown>,
    }));
    return new DataStream<S>(this.graph, node);
  }

  /** Sends the stream to a sink. */
  sink(sink: Sink<T>, options?: { name?: string }): void {
    this.graph.add(`sink(${sink.name})`, options?.name, (id) => ({
      kind: "sink",
      id,
      input: this.node,
      sink: sink as Sink<unknown>,
    }));
  }

  /**
   * Adds a custom operator: the extension point the built-in operators use too.
   * @param label the default name (`label#n`) when `options.name` is not set
   * @param partitioning internal: what the operator does to how records are partitioned (keyed
   * operators name their key), checked when the job runs on several workers
   */
  transform<R>(
    label: string,
    factory: OperatorFactory<T, R>,
    options?: OperatorOptions<T>,
    partitioning?: OperatorPartitioning,
  ): DataStream<R> {
    const node = this.graph.add(label, options?.name, (id) => ({
      kind: "operator",
      id,
      input: this.node,
      spec: {
        id,
        factory: factory as OperatorFactory<unknown, unknown>,
        errors: options?.errors as OutputTag<FailedRecord<unknown>> | undefined,
        partitioning,
      },
    }));
    return new DataStream<R>(this.graph, node);
  }
}
