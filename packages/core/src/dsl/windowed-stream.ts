import type { AggregateFunction } from "../aggregates/aggregate-function.ts";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { OperatorOptions } from "../runtime/operator.ts";
import type { OutputTag } from "../runtime/output-tag.ts";
import type { Key } from "../state/key-group.ts";
import type { WindowAssigner } from "../windows/assigner.ts";
import type { Trigger } from "../windows/trigger.ts";
import type { TimeWindow, WindowResult } from "../windows/window.ts";
import { windowOperator } from "../windows/window-operator.ts";
import type { DataStream } from "./data-stream.ts";
import type { KeyedStream } from "./keyed-stream.ts";

/**
 * What a window process function gets besides the window's records.
 *
 * @example
 * const describe: ProcessWindowFunction<Click, string, TimeWindow, string> = (records, ctx: WindowContext<string, TimeWindow, string>) =>
 *   ctx.emit(`${ctx.key}: ${records.length} clicks in [${ctx.window.start}, ${ctx.window.end}), watermark ${ctx.currentWatermark}`);
 */
export interface WindowContext<TKey, TWindow extends TimeWindow, R> {
  /** The key whose window fired. */
  readonly key: TKey;
  /** The window that fired. */
  readonly window: TWindow;
  /** The watermark when it fired (`-Infinity` before the first). */
  readonly currentWatermark: number;
  /** Emits a result with timestamp `window.end - 1`. */
  emit(value: R): void;
}

/**
 * Sees all records of a window when it fires (the window buffers them, unlike `aggregate`).
 *
 * @example
 * const sessions = clicks
 *   .keyBy((c) => c.user)
 *   .window(session(minutes(30)))
 *   .process<{ user: string; pages: string[] }>((records, ctx) =>
 *     ctx.emit({ user: ctx.key, pages: records.map((c) => c.page) }),
 *   );
 */
export type ProcessWindowFunction<T, TKey, TWindow extends TimeWindow, R> = (
  elements: readonly T[],
  context: WindowContext<TKey, TWindow, R>,
) => void;

interface WindowSettings<T, TWindow extends TimeWindow> {
  readonly trigger: Trigger<TWindow> | undefined;
  readonly allowedLateness: number;
  readonly lateDataTag: OutputTag<T> | undefined;
}

/**
 * A keyed stream cut into windows. Not itself a stream: it becomes one with `aggregate`, `reduce`
 * or `process`. Each method returns a new value; the receiver is unchanged.
 *
 * Lateness, as in Flink: a record is late when `timestamp + allowedLateness <= watermark`; it is
 * dropped from each window whose `end - 1 + allowedLateness <= watermark` and goes to the late side
 * output only when all its windows are late. A late record within the allowed lateness fires its
 * window again at once with the updated result.
 *
 * @example
 * const late = new OutputTag<Click>("late-clicks");
 * const perMinute = clicks
 *   .keyBy((c) => c.page)
 *   .window(tumbling(minutes(1)))
 *   .allowedLateness(seconds(30))
 *   .sideOutputLateData(late)
 *   .aggregate(count());
 * perMinute.getSideOutput(late).sink(consoleSink());
 */
export class WindowedStream<T, TKey extends Key, TWindow extends TimeWindow> {
  /** @internal */
  constructor(
    private readonly keyed: KeyedStream<T, TKey>,
    private readonly assigner: WindowAssigner<TWindow>,
    private readonly settings: WindowSettings<T, TWindow> = {
      trigger: undefined,
      allowedLateness: 0,
      lateDataTag: undefined,
    },
  ) {}

  /** Keeps windows `lateness` ms past their end, re-firing on late records (default 0). */
  allowedLateness(lateness: number): WindowedStream<T, TKey, TWindow> {
    if (!Number.isFinite(lateness) || lateness < 0) {
      throw new PipelineDefinitionError(`allowedLateness must be a finite number >= 0, got ${lateness}`);
    }
    return this.#with({ allowedLateness: lateness });
  }

  /** Records too late for every window they belong to go to `tag`. */
  sideOutputLateData(tag: OutputTag<T>): WindowedStream<T, TKey, TWindow> {
    return this.#with({ lateDataTag: tag });
  }

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<TWindow>): WindowedStream<T, TKey, TWindow> {
    return this.#with({ trigger });
  }

  /** Aggregates incrementally: `{ key, window, value }` per firing. */
  aggregate<TAcc, R>(
    fn: AggregateFunction<T, TAcc, R>,
    options?: OperatorOptions<T>,
  ): DataStream<WindowResult<TKey, TWindow, R>> {
    return this.#build<TAcc, WindowResult<TKey, TWindow, R>>(
      "aggregate",
      fn,
      options,
      (key, window, acc, emit) => emit({ key, window, value: fn.result(acc) }),
    );
  }

  /** Reduces each window's records pairwise: `{ key, window, value }` per firing. */
  reduce(
    reducer: (accumulated: T, value: T) => T,
    options?: OperatorOptions<T>,
  ): DataStream<WindowResult<TKey, TWindow, T>> {
    return this.aggregate<{ has: boolean; value: T | undefined }, T>(
      {
        create: () => ({ has: false, value: undefined }),
        add: (acc, value) =>
          acc.has ? { has: true, value: reducer(acc.value as T, value) } : { has: true, value },
        merge: (a, b) =>
          !a.has ? b : !b.has ? a : { has: true, value: reducer(a.value as T, b.value as T) },
        result: (acc) => acc.value as T,
      },
      options,
    );
  }

  /** Calls `fn` with all of a window's records when it fires. */
  process<R>(fn: ProcessWindowFunction<T, TKey, TWindow, R>, options?: OperatorOptions<T>): DataStream<R> {
    const collect: AggregateFunction<T, T[], readonly T[]> = {
      create: () => [],
      add: (acc, value) => {
        acc.push(value);
        return acc;
      },
      merge: (a, b) => a.concat(b),
      result: (acc) => acc,
    };
    return this.#build<T[], R>("process", collect, options, (key, window, acc, emit, currentWatermark) =>
      fn(acc, { key, window, currentWatermark, emit }),
    );
  }

  #with(change: Partial<WindowSettings<T, TWindow>>): WindowedStream<T, TKey, TWindow> {
    return new WindowedStream(this.keyed, this.assigner, { ...this.settings, ...change });
  }

  #build<TAcc, R>(
    method: string,
    aggregate: AggregateFunction<T, TAcc, unknown>,
    options: OperatorOptions<T> | undefined,
    fire: (key: TKey, window: TWindow, acc: TAcc, emit: (value: R) => void, currentWatermark: number) => void,
  ): DataStream<R> {
    const trigger = this.settings.trigger ?? this.assigner.defaultTrigger();
    return this.keyed.input.transform(
      `window(${this.assigner.description}).${method}`,
      windowOperator<T, TKey, TWindow, TAcc, R>({
        keyOf: this.keyed.keyOf,
        assigner: this.assigner,
        trigger,
        allowedLateness: this.settings.allowedLateness,
        lateDataTag: this.settings.lateDataTag,
        aggregate,
        fire,
      }),
      options,
      this.keyed.partitioning,
    );
  }
}
