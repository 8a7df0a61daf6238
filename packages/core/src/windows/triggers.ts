import { PipelineDefinitionError } from "../runtime/errors.ts";
import { type Trigger, type TriggerContext, TriggerResult } from "./trigger.ts";
import type { TimeWindow } from "./window.ts";

/**
 * What the window operator's context offers besides {@link TriggerContext} while `onMerge` runs:
 * the trigger states of the windows being merged away, earliest window first. The merged window's
 * own state starts empty; a stateful trigger combines these into it (Flink's
 * `mergePartitionedState`).
 *
 * @example
 * const merging: Pick<Trigger, "onMerge"> = {
 *   onMerge(_window, ctx) {
 *     const states = (ctx as MergeTriggerContext).mergedStates<number>();
 *     ctx.setState(states.reduce<number>((sum, n) => sum + (n ?? 0), 0));
 *   },
 * };
 */
export interface MergeTriggerContext extends TriggerContext {
  /** The trigger states of the windows merged away, earliest window first. */
  mergedStates<S>(): readonly (S | undefined)[];
}

/**
 * The trigger states of the windows being merged, inside `onMerge` (empty elsewhere). For custom
 * triggers with state that must survive session merges.
 *
 * @example
 * const countingTrigger: Pick<Trigger, "onMerge"> = {
 *   onMerge(_window, ctx) {
 *     const total = mergedTriggerStates<number>(ctx).reduce<number>((a, n) => a + (n ?? 0), 0);
 *     ctx.setState(total);
 *   },
 * };
 */
export function mergedTriggerStates<S>(context: TriggerContext): readonly (S | undefined)[] {
  return "mergedStates" in context && typeof context.mergedStates === "function"
    ? (context as MergeTriggerContext).mergedStates<S>()
    : [];
}

const EVENT_TIME_TRIGGER: Trigger<TimeWindow> = {
  description: "eventTime()",
  onElement(_timestamp, window, ctx) {
    // A window the watermark has already passed (an allowed-late record) fires at once.
    if (window.end - 1 <= ctx.currentWatermark) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.end - 1);
    return TriggerResult.CONTINUE;
  },
  onEventTime: (time, window) => (time === window.end - 1 ? TriggerResult.FIRE : TriggerResult.CONTINUE),
  onProcessingTime: () => TriggerResult.CONTINUE,
  onMerge(window, ctx) {
    // Past the watermark the next onElement fires the window; a timer here would fire it twice.
    if (window.end - 1 > ctx.currentWatermark) ctx.registerEventTimeTimer(window.end - 1);
  },
  clear(window, ctx) {
    ctx.deleteEventTimeTimer(window.end - 1);
  },
};

/**
 * Fires a window once when the watermark reaches its `end − 1` (Flink's `EventTimeTrigger`), and
 * again at once for every allowed-late record added after that. The default of `tumbling`,
 * `sliding` and `session`.
 *
 * @example
 * clicks.keyBy((c) => c.page).window(tumbling(minutes(1))).trigger(eventTimeTrigger())
 */
export function eventTimeTrigger(): Trigger<TimeWindow> {
  return EVENT_TIME_TRIGGER;
}

const PROCESSING_TIME_TRIGGER: Trigger<TimeWindow> = {
  description: "processingTime()",
  onElement(_timestamp, window, ctx) {
    ctx.registerProcessingTimeTimer(window.end - 1);
    return TriggerResult.CONTINUE;
  },
  onEventTime: () => TriggerResult.CONTINUE,
  onProcessingTime: () => TriggerResult.FIRE,
  onMerge(window, ctx) {
    if (window.end - 1 > ctx.currentProcessingTime) ctx.registerProcessingTimeTimer(window.end - 1);
  },
  clear(window, ctx) {
    ctx.deleteProcessingTimeTimer(window.end - 1);
  },
};

/**
 * Fires a window when processing time reaches its `end − 1` (Flink's `ProcessingTimeTrigger`); the
 * default of the processing-time assigners. Event time plays no part.
 *
 * @example
 * clicks.keyBy((c) => c.page).window(tumblingProcessingTime(seconds(10))).trigger(processingTimeTrigger())
 */
export function processingTimeTrigger(): Trigger<TimeWindow> {
  return PROCESSING_TIME_TRIGGER;
}

/**
 * Fires a window every `count` records added to it (Flink's `CountTrigger`); the count restarts
 * after each firing. It does not purge: wrap it in {@link purging} for disjoint batches. Time plays
 * no part, except that the window is still removed at its cleanup time (end − 1 + allowed
 * lateness); at end of input a window holding records not yet emitted fires once more.
 *
 * @throws PipelineDefinitionError when `count` is not an integer >= 1.
 * @example
 * orders.keyBy((o) => o.customer).window(global()).trigger(purging(countTrigger(100))).aggregate(count())
 */
export function countTrigger(count: number): Trigger<TimeWindow> {
  if (!Number.isInteger(count) || count < 1) {
    throw new PipelineDefinitionError(`countTrigger: count must be an integer >= 1, got ${count}`);
  }
  return {
    description: `count(${count})`,
    onElement(_timestamp, _window, ctx) {
      const seen = (ctx.getState<number>() ?? 0) + 1;
      if (seen >= count) {
        ctx.setState(undefined);
        return TriggerResult.FIRE;
      }
      ctx.setState(seen);
      return TriggerResult.CONTINUE;
    },
    onEventTime: () => TriggerResult.CONTINUE,
    onProcessingTime: () => TriggerResult.CONTINUE,
    onMerge(_window, ctx) {
      let seen = 0;
      for (const n of mergedTriggerStates<number>(ctx)) seen += n ?? 0;
      ctx.setState(seen === 0 ? undefined : seen);
    },
    clear(_window, ctx) {
      ctx.setState(undefined);
    },
  };
}

/**
 * Early firings: fires a window every `interval` ms of event time while it is open, and once more
 * when the watermark reaches its `end − 1` (Flink's `ContinuousEventTimeTrigger`). The first early
 * firing is at the first interval boundary after the window's first record (boundaries at
 * multiples of `interval`; Flink truncates negative timestamps towards zero, we floor them).
 * Allowed-late records fire the window at once, as with {@link eventTimeTrigger}.
 *
 * @throws PipelineDefinitionError when `interval` is not a finite number > 0.
 * @example
 * ticks.keyBy((t) => t.symbol).window(tumbling(hours(1))).trigger(continuousEventTimeTrigger(minutes(1))).aggregate(count())
 */
export function continuousEventTimeTrigger(interval: number): Trigger<TimeWindow> {
  if (!Number.isFinite(interval) || interval <= 0) {
    throw new PipelineDefinitionError(
      `continuousEventTimeTrigger: interval must be a finite number > 0, got ${interval}`,
    );
  }
  // The state is the time of the next early firing.
  const registerNext = (time: number, window: TimeWindow, ctx: TriggerContext) => {
    const next = Math.min(time + interval, window.end - 1);
    ctx.setState(next);
    ctx.registerEventTimeTimer(next);
  };
  return {
    description: `continuousEventTime(${interval})`,
    onElement(timestamp, window, ctx) {
      if (window.end - 1 <= ctx.currentWatermark) return TriggerResult.FIRE;
      ctx.registerEventTimeTimer(window.end - 1);
      if (ctx.getState<number>() === undefined) {
        registerNext(Math.floor(timestamp / interval) * interval, window, ctx);
      }
      return TriggerResult.CONTINUE;
    },
    onEventTime(time, window, ctx) {
      if (time === window.end - 1) return TriggerResult.FIRE;
      if (ctx.getState<number>() === time) {
        registerNext(time, window, ctx);
        return TriggerResult.FIRE;
      }
      return TriggerResult.CONTINUE;
    },
    onProcessingTime: () => TriggerResult.CONTINUE,
    onMerge(_window, ctx) {
      let next: number | undefined;
      for (const t of mergedTriggerStates<number>(ctx)) {
        if (t !== undefined && (next === undefined || t < next)) next = t;
      }
      ctx.setState(next);
      if (next !== undefined) ctx.registerEventTimeTimer(next);
    },
    clear(_window, ctx) {
      const next = ctx.getState<number>();
      if (next !== undefined) {
        ctx.deleteEventTimeTimer(next);
        ctx.setState(undefined);
      }
    },
  };
}

const purge = (result: TriggerResult): TriggerResult =>
  result === TriggerResult.FIRE ? TriggerResult.FIRE_AND_PURGE : result;

/**
 * Makes every firing of `trigger` also purge the window (Flink's `PurgingTrigger`): each firing
 * emits only the records added since the previous one. Timing is `trigger`'s.
 *
 * @example
 * orders.keyBy((o) => o.customer).window(global()).trigger(purging(countTrigger(100))).aggregate(count())
 */
export function purging<TWindow extends TimeWindow>(trigger: Trigger<TWindow>): Trigger<TWindow> {
  const onMerge = trigger.onMerge;
  return {
    description: `purging(${trigger.description})`,
    onElement: (timestamp, window, ctx) => purge(trigger.onElement(timestamp, window, ctx)),
    onEventTime: (time, window, ctx) => purge(trigger.onEventTime(time, window, ctx)),
    onProcessingTime: (time, window, ctx) => purge(trigger.onProcessingTime(time, window, ctx)),
    ...(onMerge === undefined ? {} : { onMerge: (window, ctx) => onMerge.call(trigger, window, ctx) }),
    clear: (window, ctx) => trigger.clear(window, ctx),
  };
}

const NEVER_TRIGGER: Trigger<TimeWindow> = {
  description: "never()",
  onElement: () => TriggerResult.CONTINUE,
  onEventTime: () => TriggerResult.CONTINUE,
  onProcessingTime: () => TriggerResult.CONTINUE,
  onMerge: () => {},
  clear: () => {},
};

/**
 * Never fires (the default of `global()`): the window keeps accumulating until a different trigger
 * is set. Its contents are not emitted at end of input either.
 *
 * @example
 * orders.keyBy((o) => o.customer).window(global()).trigger(neverTrigger())
 */
export function neverTrigger(): Trigger<TimeWindow> {
  return NEVER_TRIGGER;
}
