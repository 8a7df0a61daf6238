import { describeError, OperatorError } from "../runtime/errors.ts";
import type { OperatorFactory, Output } from "../runtime/operator.ts";
import type { OutputTag } from "../runtime/output-tag.ts";
import type { Key } from "../state/key-group.ts";
import { type KeyEntry, KeyedHeap } from "../state/keyed-heap.ts";
import type { KeyedProcessFunction, OnTimerContext, TimerService } from "./keyed-process-function.ts";
import type { ListState, MapState, StateDescriptor, StateHandles, ValueState } from "./state-descriptors.ts";
import { EVENT_TIME, KeyOrderTimerService, PROCESSING_TIME, type TimerDomain } from "./timer-service.ts";

type TimeDomain = "event-time" | "processing-time";

/**
 * One key's state on the heap: a slot per declared state (`undefined` = not set; a list or map
 * slot holds a non-empty array or Map), and the key's timers (see {@link KeyOrderTimerService}).
 */
interface ProcessKeyState {
  readonly key: Key;
  readonly slots: unknown[];
  readonly timers: number[];
  /** The key's heap entry (unset only in the state read by keys without one). */
  entry: KeyEntry<Key, ProcessKeyState> | undefined;
}

/**
 * A key's state in a checkpoint. State is stored by declared name, so a later version of the job
 * may add, remove or reorder declarations; timers are their times.
 */
interface ProcessKeySnapshot {
  readonly state: Record<string, unknown>;
  readonly eventTimers: number[];
  readonly processingTimers: number[];
}

/** Non-keyed state: the watermark, which user code reads through the timer service. */
interface ProcessOperatorSnapshot {
  readonly watermark: number;
}

const EMPTY_LIST: readonly never[] = Object.freeze([]);
const EMPTY_MAP: ReadonlyMap<Key, unknown> = new Map<Key, unknown>();

function isEmpty(state: ProcessKeyState): boolean {
  if (state.timers.length > 0) return false;
  const slots = state.slots;
  for (let i = 0; i < slots.length; i++) if (slots[i] !== undefined) return false;
  return true;
}

/**
 * The one context object of an operator, re-pointed at each record's or timer's key: user
 * functions get the same object every call, so nothing is allocated per record.
 */
class ReusedContext<TKey, TOut, TState> implements OnTimerContext<TKey, TOut, TState> {
  // Set before every call into user code; there is no key before the first one.
  key!: TKey;
  timestamp = Number.NaN;
  timeDomain: TimeDomain = "event-time";

  constructor(
    readonly state: TState,
    readonly timerService: TimerService,
    private readonly out: Output<TOut>,
  ) {}

  emit(value: TOut, timestamp: number = this.timestamp): void {
    this.out.emit(value, timestamp);
  }

  output<S>(tag: OutputTag<S>, value: S, timestamp: number = this.timestamp): void {
    this.out.emitSide(tag, value, timestamp);
  }
}

function checkTime(time: number): void {
  if (typeof time !== "number" || Number.isNaN(time)) {
    throw new TypeError(`a timer's time must be a number of epoch milliseconds, got ${String(time)}`);
  }
}

/**
 * The operator behind `keyBy(...).process(fn)`: Flink's `KeyedProcessFunction` with declared
 * keyed state and timers.
 *
 * For each record, `processElement` runs with the record's key: `ctx.state` reads and writes that
 * key's state, `ctx.timerService` registers that key's timers. A timer is (key, time): registering
 * it twice fires it once, deleting it cancels it.
 *
 * Time semantics: event-time timers fire, in time order (ties by key), when the watermark reaches
 * their time — before the watermark is forwarded, so their results precede it; a timer registered
 * at or below the current watermark fires with the next watermark. Processing-time timers fire
 * when the job's clock reaches their time. In `onTimer`, `ctx.timestamp` is the timer's time and
 * is the default timestamp of what it emits. Records are never late here: the function sees every
 * record and can compare `ctx.timestamp` with `timerService.currentWatermark()` itself. At the end
 * of a bounded input the final watermark fires every event-time timer; processing-time timers
 * still pending then do not fire.
 *
 * State and timers are checkpointed per key (state must be plain data); a key whose state is all
 * cleared and that has no timers is removed. Values are stored by reference: update state after
 * changing an object read from it, and treat `valueState(initial)`'s initial value as a template
 * (a key without a value reads a copy of it).
 *
 * Errors: a throwing key selector or `processElement` fails that record (the job, or the `errors`
 * output), keeping the state changes made before the throw; a throwing `onTimer` stops the job,
 * since there is no record to route.
 *
 * @example
 * // Through the DSL, which builds this operator: clicks per page, emitted a minute after the first.
 * // The annotation gives the output type (so `emit` is checked) while state types are inferred.
 * const counts: DataStream<{ page: string; count: number }> = clicks.keyBy((c) => c.page).process({
 *   state: { count: valueState(0) },
 *   processElement(_click, ctx) {
 *     if (ctx.state.count.value() === 0) ctx.timerService.registerEventTimeTimer(ctx.timestamp + 60_000);
 *     ctx.state.count.update(ctx.state.count.value() + 1);
 *   },
 *   onTimer(_time, ctx) {
 *     ctx.emit({ page: ctx.key, count: ctx.state.count.value() });
 *     ctx.state.count.clear();
 *   },
 * })
 */
export function keyedProcessOperator<T, TKey extends Key, R, TDecl extends Record<string, StateDescriptor>>(
  keyOf: (value: T) => TKey,
  fn: KeyedProcessFunction<TKey, T, R, TDecl>,
): OperatorFactory<T, R> {
  const declarations: Record<string, StateDescriptor> = fn.state ?? {};
  const names = Object.keys(declarations);
  const descriptors = names.map((name) => declarations[name]!);

  return (context, output) => {
    type Entry = KeyEntry<TKey, ProcessKeyState>;
    const heap = new KeyedHeap<TKey, ProcessKeyState>(context.keyGroups);
    const timers = new KeyOrderTimerService<ProcessKeyState>({
      onTimer: (state, time, domain) => fire(state.entry as Entry, time, domain),
      scheduleProcessingTime: (at, callback) => context.scheduleProcessingTime(at, callback),
      now: () => context.clock.now(),
    });
    const stateOf = (key: Key): ProcessKeyState => ({
      key,
      slots: new Array<unknown>(descriptors.length).fill(undefined),
      timers: [],
      entry: undefined,
    });
    /** The state of a new entry for the current key; linked to its entry by `writable`. */
    const newState = (): ProcessKeyState => stateOf(ctx.key);
    // Read by keys that have no entry: never written (a write creates the key's entry first).
    const absent = stateOf("");
    let watermark = Number.NEGATIVE_INFINITY;

    // The key user code is running for: its entry (undefined until something is written) and state.
    let currentEntry: Entry | undefined;
    let current = absent;

    /** The current key's entry, created if needed, marked changed: call before every write. */
    const writable = (): Entry => {
      let entry = currentEntry;
      if (entry === undefined) {
        entry = heap.getOrCreate(ctx.key, newState);
        entry.state.entry = entry as KeyEntry<Key, ProcessKeyState>;
        currentEntry = entry;
        current = entry.state;
      }
      heap.touch(entry);
      return entry;
    };

    const enter = (key: TKey, entry: Entry | undefined) => {
      ctx.key = key;
      currentEntry = entry;
      current = entry === undefined ? absent : entry.state;
    };

    const leave = () => {
      const entry = currentEntry;
      if (entry !== undefined && !entry.removed && isEmpty(entry.state)) heap.remove(entry);
      currentEntry = undefined;
      current = absent;
    };

    const handles: Record<string, ValueState<unknown> | ListState<unknown> | MapState<Key, unknown>> = {};
    descriptors.forEach((descriptor, slot) => {
      const clear = () => {
        if (current.slots[slot] !== undefined) {
          writable();
          current.slots[slot] = undefined;
        }
      };
      switch (descriptor.kind) {
        case "value": {
          const initial = descriptor.initial;
          const copyInitial = typeof initial === "object" && initial !== null;
          handles[names[slot]!] = {
            value() {
              const value = current.slots[slot];
              if (value !== undefined) return value;
              return copyInitial ? structuredClone(initial) : initial;
            },
            update(value) {
              if (value === undefined) return clear();
              writable();
              current.slots[slot] = value;
            },
            clear,
          } satisfies ValueState<unknown>;
          break;
        }
        case "list":
          handles[names[slot]!] = {
            get: () => (current.slots[slot] as unknown[] | undefined) ?? EMPTY_LIST,
            add(value) {
              writable();
              const list = current.slots[slot] as unknown[] | undefined;
              if (list === undefined) current.slots[slot] = [value];
              else list.push(value);
            },
            update(values) {
              if (values.length === 0) return clear();
              writable();
              current.slots[slot] = [...values];
            },
            clear,
          } satisfies ListState<unknown>;
          break;
        case "map": {
          const mapOf = () => current.slots[slot] as Map<Key, unknown> | undefined;
          handles[names[slot]!] = {
            get: (key) => mapOf()?.get(key),
            has: (key) => mapOf()?.has(key) ?? false,
            put(key, value) {
              writable();
              const map = mapOf();
              if (map === undefined) current.slots[slot] = new Map([[key, value]]);
              else map.set(key, value);
            },
            remove(key) {
              const map = mapOf();
              if (map === undefined || !map.has(key)) return;
              writable();
              map.delete(key);
              if (map.size === 0) current.slots[slot] = undefined;
            },
            entries: () => (mapOf() ?? EMPTY_MAP).entries(),
            get size() {
              return mapOf()?.size ?? 0;
            },
            clear,
          } satisfies MapState<Key, unknown>;
          break;
        }
      }
    });

    const timerService: TimerService = {
      currentWatermark: () => watermark,
      currentProcessingTime: () => context.clock.now(),
      registerEventTimeTimer(time) {
        checkTime(time);
        timers.register(writable().state, time, EVENT_TIME);
      },
      deleteEventTimeTimer(time) {
        if (timers.has(current, time, EVENT_TIME)) timers.delete(writable().state, time, EVENT_TIME);
      },
      registerProcessingTimeTimer(time) {
        checkTime(time);
        timers.register(writable().state, time, PROCESSING_TIME);
      },
      deleteProcessingTimeTimer(time) {
        if (timers.has(current, time, PROCESSING_TIME))
          timers.delete(writable().state, time, PROCESSING_TIME);
      },
    };

    // The handles object has exactly the declared names and kinds, which is what StateHandles maps.
    const ctx = new ReusedContext<TKey, R, StateHandles<TDecl>>(
      handles as unknown as StateHandles<TDecl>,
      timerService,
      output,
    );

    /** Calls `onTimer` for a timer the service has taken out of the key's list. */
    function fire(entry: Entry, time: number, timerDomain: TimerDomain): void {
      const domain: TimeDomain = timerDomain === EVENT_TIME ? "event-time" : "processing-time";
      heap.touch(entry);
      enter(entry.key, entry);
      ctx.timestamp = time;
      ctx.timeDomain = domain;
      try {
        fn.onTimer?.(time, ctx);
      } catch (error) {
        leave();
        throw new OperatorError(
          context.name,
          `onTimer (${domain}, time ${time}, key ${String(entry.key)}) failed: ${describeError(error)}`,
          { cause: error },
        );
      }
      leave();
    }

    return {
      processBatch({ values, timestamps }) {
        let i = 0;
        while (i < values.length) {
          try {
            for (; i < values.length; i++) {
              const value = values[i]!;
              const key = keyOf(value);
              enter(key, heap.get(key));
              ctx.timestamp = timestamps[i]!;
              fn.processElement(value, ctx);
              leave();
            }
          } catch (error) {
            leave();
            context.fail(error, values[i], timestamps[i]!);
            i++;
          }
        }
      },

      processWatermark(next) {
        if (next <= watermark) return;
        watermark = next;
        timers.advanceWatermark(next);
      },

      snapshotState(full) {
        const keyGroups = heap.snapshot(full, (state): ProcessKeySnapshot => {
          const named: Record<string, unknown> = {};
          for (let i = 0; i < names.length; i++) {
            if (state.slots[i] !== undefined) named[names[i]!] = state.slots[i];
          }
          const eventTimers: number[] = [];
          const processingTimers: number[] = [];
          const list = state.timers;
          for (let i = 0; i < list.length; i += 3) {
            (list[i + 2] === EVENT_TIME ? eventTimers : processingTimers).push(list[i]!);
          }
          return { state: named, eventTimers, processingTimers };
        });
        const operator: ProcessOperatorSnapshot = { watermark };
        return { keyGroups, operator };
      },

      restoreState(snapshot) {
        const restored = snapshot.operator as ProcessOperatorSnapshot | undefined;
        if (restored !== undefined) watermark = restored.watermark;
        heap.restore(snapshot.keyGroups ?? [], (data, key) => {
          const saved = data as ProcessKeySnapshot;
          const state = stateOf(key);
          for (let i = 0; i < names.length; i++) {
            if (Object.hasOwn(saved.state, names[i]!)) state.slots[i] = saved.state[names[i]!];
          }
          // Numbered by the timer service as it takes them over.
          for (const time of saved.eventTimers) state.timers.push(time, 0, EVENT_TIME);
          for (const time of saved.processingTimers) state.timers.push(time, 0, PROCESSING_TIME);
          return state;
        });
        const withTimers: ProcessKeyState[] = [];
        for (const entry of heap.values()) {
          entry.state.entry = entry as KeyEntry<Key, ProcessKeyState>;
          // State written under names no longer declared is dropped with its key.
          if (isEmpty(entry.state)) heap.remove(entry);
          else if (entry.state.timers.length > 0) withTimers.push(entry.state);
        }
        timers.restore(withTimers);
      },

      close() {
        timers.close();
      },
    };
  };
}
