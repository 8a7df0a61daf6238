import type { Key } from "../state/key-group.ts";
import type { Cancel } from "../time/clock.ts";

/** A timer in event time: it fires when the watermark reaches its time. */
export const EVENT_TIME = 0;
/** A timer in processing time: it fires when the job's clock reaches its time. */
export const PROCESSING_TIME = 1;

/** {@link EVENT_TIME} or {@link PROCESSING_TIME}. */
export type TimerDomain = typeof EVENT_TIME | typeof PROCESSING_TIME;

/**
 * What a timer belongs to (Flink's namespace, with its key): a window of a key, or a key. It
 * carries its own pending timers, so that they are checkpointed with it and looked up without an
 * index: flat triples `[time, seq, domain, ...]`, `seq` being the registration number. A namespace
 * holds a timer or two, for which a scan of this list beats any Map.
 */
export interface TimerNamespace {
  readonly timers: number[];
}

/** A namespace that belongs to a key, for services that order timers due together by key. */
export interface KeyedTimerNamespace extends TimerNamespace {
  readonly key: Key;
}

/** What the service needs from the operator that owns it. */
export interface TimerServiceHost<TNamespace extends TimerNamespace> {
  /** A timer is due: it has already left its namespace's list. */
  onTimer(namespace: TNamespace, time: number, domain: TimerDomain): void;
  /** Runs `callback` when processing time reaches `at` (the operator context's scheduler). */
  scheduleProcessingTime(at: number, callback: () => void): Cancel;
  /** Processing time now. */
  now(): number;
}

/** Timers due at one time, in registration order: entries whose timer was deleted are skipped. */
interface DueTogether<TNamespace> {
  readonly time: number;
  readonly namespaces: TNamespace[];
  readonly seqs: number[];
  /** Its place in the heap of times. */
  index: number;
  /** Entries whose timer was deleted since (their namespace no longer lists them). */
  dead: number;
}

/** Below this many deleted entries a group of timers is not worth compacting. */
const COMPACT_FROM = 32;

/**
 * The timers of one domain: a Map from time to the timers due then plus a binary min-heap of the
 * distinct times. Registering costs a Map lookup (and a heap push for a new time): many timers
 * share a time (every key's window ends together), so the heap stays small and its comparison is
 * of two numbers, inline. A deleted timer leaves its namespace's list at once (so it never fires)
 * and is counted here: a time whose timers are all deleted leaves the heap, and a time's entries
 * are compacted once most are deleted, so deleted timers never hold on to memory.
 */
class TimesQueue<TNamespace extends TimerNamespace> {
  readonly #due = new Map<number, DueTogether<TNamespace>>();
  readonly #heap: DueTogether<TNamespace>[] = [];

  add(time: number, namespace: TNamespace, seq: number): void {
    const due = this.#due.get(time);
    if (due !== undefined) {
      due.namespaces.push(namespace);
      due.seqs.push(seq);
      return;
    }
    const heap = this.#heap;
    const added: DueTogether<TNamespace> = {
      time,
      namespaces: [namespace],
      seqs: [seq],
      index: heap.length,
      dead: 0,
    };
    this.#due.set(time, added);
    heap.push(added);
    this.#up(added);
  }

  /** Entries held, deleted ones not yet dropped included (for tests of memory). */
  get entries(): number {
    let n = 0;
    for (const due of this.#heap) n += due.seqs.length;
    return n;
  }

  /** The earliest time with timers. */
  peek(): number | undefined {
    const heap = this.#heap;
    return heap.length === 0 ? undefined : heap[0]!.time;
  }

  /** Removes and returns the timers of the earliest time. */
  take(): DueTogether<TNamespace> {
    const top = this.#heap[0]!;
    this.#remove(top);
    return top;
  }

  /** A timer at `time` left its namespace's list: its entry here is dead. */
  deleted(time: number): void {
    const due = this.#due.get(time);
    // Not here: its time is being fired right now, and the firing skips it.
    if (due === undefined) return;
    const n = due.seqs.length;
    const dead = ++due.dead;
    if (dead * 2 <= n || (dead < COMPACT_FROM && dead < n)) return;
    // Counted, then checked: compaction keeps exactly the entries their namespaces still list.
    compact(due);
    if (due.seqs.length === 0) this.#remove(due);
  }

  #remove(due: DueTogether<TNamespace>): void {
    this.#due.delete(due.time);
    const heap = this.#heap;
    const i = due.index;
    const last = heap.pop()!;
    if (last === due) return;
    heap[i] = last;
    last.index = i;
    this.#down(last);
    this.#up(last);
  }

  #up(due: DueTogether<TNamespace>): void {
    const heap = this.#heap;
    const time = due.time;
    let i = due.index;
    while (i > 0) {
      const parentIndex = (i - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.time <= time) break;
      heap[i] = parent;
      parent.index = i;
      i = parentIndex;
    }
    heap[i] = due;
    due.index = i;
  }

  #down(due: DueTogether<TNamespace>): void {
    const heap = this.#heap;
    const n = heap.length;
    const time = due.time;
    let i = due.index;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && heap[right]!.time < heap[left]!.time ? right : left;
      const next = heap[child]!;
      if (next.time >= time) break;
      heap[i] = next;
      next.index = i;
      i = child;
    }
    heap[i] = due;
    due.index = i;
  }
}

/** Drops the entries of `due` whose timer was deleted, keeping the others in order. */
function compact<TNamespace extends TimerNamespace>(due: DueTogether<TNamespace>): void {
  const { namespaces, seqs, time } = due;
  let kept = 0;
  for (let i = 0; i < namespaces.length; i++) {
    const namespace = namespaces[i]!;
    const seq = seqs[i]!;
    if (!hasTimer(namespace.timers, time, seq)) continue;
    namespaces[kept] = namespace;
    seqs[kept++] = seq;
  }
  namespaces.length = kept;
  seqs.length = kept;
  due.dead = 0;
}

/** Whether a namespace's list holds the timer `(time, seq)`. */
function hasTimer(timers: number[], time: number, seq: number): boolean {
  for (let i = 0; i < timers.length; i += 3) if (timers[i] === time && timers[i + 1] === seq) return true;
  return false;
}

/** Removes the timer `(time, seq)` from a namespace's list; false when it is not there (deleted). */
function takeTimer(timers: number[], time: number, seq: number): boolean {
  for (let i = 0; i < timers.length; i += 3) {
    if (timers[i] === time && timers[i + 1] === seq) {
      removeTimerAt(timers, i);
      return true;
    }
  }
  return false;
}

// A namespace's list is short and the timer removed is usually the last: popping is much cheaper
// than splice or assigning `length` (both runtime calls in V8).
function removeTimerAt(timers: number[], i: number): void {
  if (i === timers.length - 3) {
    timers.pop();
    timers.pop();
    timers.pop();
  } else {
    timers.splice(i, 3);
  }
}

/**
 * Event-time and processing-time timers of an operator's namespaces, Flink's
 * `InternalTimerService`: a timer is (domain, namespace, time); registering one that exists does
 * nothing; deleting takes effect at once (a deleted timer never fires). Event-time timers fire as
 * {@link advanceWatermark} passes them; processing-time timers fire from one callback, scheduled
 * at the earliest of them (moved earlier when an earlier one is registered, re-armed after firing).
 *
 * Timers fire in time order. Timers due at the same time fire in an order the subclass sets, the
 * same before and after a restore: {@link SequenceTimerService} by registration (the window
 * operator's), {@link KeyOrderTimerService} by key (the keyed process operator's).
 *
 * @typeParam TNamespace what timers belong to; it holds its own pending timers.
 */
abstract class InternalTimerService<TNamespace extends TimerNamespace> {
  protected readonly eventQueue = new TimesQueue<TNamespace>();
  protected readonly processingQueue = new TimesQueue<TNamespace>();
  /** The next registration number. */
  protected seq = 0;
  #scheduledAt = Number.POSITIVE_INFINITY;
  #cancelScheduled: Cancel | undefined;
  readonly #fireProcessing = () => this.#onProcessingTime();

  constructor(protected readonly host: TimerServiceHost<TNamespace>) {}

  /** Registers a timer unless `namespace` has it already; returns whether it was new. */
  register(namespace: TNamespace, time: number, domain: TimerDomain): boolean {
    const timers = namespace.timers;
    for (let i = 0; i < timers.length; i += 3)
      if (timers[i] === time && timers[i + 2] === domain) return false;
    const seq = this.seq++;
    timers.push(time, seq, domain);
    if (domain === EVENT_TIME) {
      this.eventQueue.add(time, namespace, seq);
    } else {
      this.processingQueue.add(time, namespace, seq);
      if (time < this.#scheduledAt) this.#schedule(time);
    }
    return true;
  }

  /** Deletes a timer of `namespace`, if it has it; returns whether it had. */
  delete(namespace: TNamespace, time: number, domain: TimerDomain): boolean {
    const timers = namespace.timers;
    for (let i = 0; i < timers.length; i += 3) {
      if (timers[i] === time && timers[i + 2] === domain) {
        // The processing-time callback stays scheduled: run early, it finds nothing due and re-arms.
        removeTimerAt(timers, i);
        (domain === EVENT_TIME ? this.eventQueue : this.processingQueue).deleted(time);
        return true;
      }
    }
    return false;
  }

  /** Whether `namespace` has a timer at `time` in `domain`. */
  has(namespace: TNamespace, time: number, domain: TimerDomain): boolean {
    const timers = namespace.timers;
    for (let i = 0; i < timers.length; i += 3)
      if (timers[i] === time && timers[i + 2] === domain) return true;
    return false;
  }

  /** Deletes every timer of `namespace` (its window or key is gone). */
  deleteAll(namespace: TNamespace): void {
    const timers = namespace.timers;
    while (timers.length > 0) {
      const domain = timers.pop();
      timers.pop();
      const time = timers.pop()!;
      (domain === EVENT_TIME ? this.eventQueue : this.processingQueue).deleted(time);
    }
  }

  /** @internal Entries the queues hold, deleted ones not yet dropped included (for tests). */
  heldEntries(): number {
    return this.eventQueue.entries + this.processingQueue.entries;
  }

  /** Fires every event-time timer at or before `watermark`, in order. */
  advanceWatermark(watermark: number): void {
    const queue = this.eventQueue;
    for (let time = queue.peek(); time !== undefined && time <= watermark; time = queue.peek()) {
      this.fireDue(queue.take(), time, EVENT_TIME);
    }
  }

  /** Fires timers due together, in this service's order, skipping those deleted since. */
  protected abstract fireDue(due: DueTogether<TNamespace>, time: number, domain: TimerDomain): void;

  /**
   * Re-registers timers read from a checkpoint: each namespace's list, as it was written, in
   * `restored`. Registration numbers continue after the highest restored.
   */
  abstract restore(restored: Iterable<TNamespace>): void;

  /** Cancels the processing-time callback (the operator is closing). */
  close(): void {
    this.#cancelScheduled?.();
    this.#cancelScheduled = undefined;
    this.#scheduledAt = Number.POSITIVE_INFINITY;
  }

  /** Arms the processing-time callback for the earliest processing-time timer, if any. */
  protected scheduleEarliest(): void {
    const next = this.processingQueue.peek();
    if (next !== undefined && next < this.#scheduledAt) this.#schedule(next);
  }

  #schedule(at: number): void {
    this.#cancelScheduled?.();
    this.#scheduledAt = at;
    this.#cancelScheduled = this.host.scheduleProcessingTime(at, this.#fireProcessing);
  }

  #onProcessingTime(): void {
    this.#scheduledAt = Number.POSITIVE_INFINITY;
    this.#cancelScheduled = undefined;
    const queue = this.processingQueue;
    const now = this.host.now();
    try {
      for (let time = queue.peek(); time !== undefined && time <= now; time = queue.peek()) {
        this.fireDue(queue.take(), time, PROCESSING_TIME);
      }
    } finally {
      this.scheduleEarliest();
    }
  }
}

/**
 * Timers due at the same time fire in registration order, which is checkpointed with them (the
 * `seq` of each timer in its namespace's list): the window operator's order, where windows of
 * different keys closing together come out in the order they were created.
 *
 * @example
 * const timers = new SequenceTimerService<Slot>({
 *   onTimer: (slot, time, domain) => fireWindow(slot, time, domain),
 *   scheduleProcessingTime: (at, callback) => context.scheduleProcessingTime(at, callback),
 *   now: () => context.clock.now(),
 * });
 * timers.register(slot, window.end - 1, EVENT_TIME);
 * timers.advanceWatermark(watermark);
 */
export class SequenceTimerService<
  TNamespace extends TimerNamespace,
> extends InternalTimerService<TNamespace> {
  protected fireDue(due: DueTogether<TNamespace>, time: number, domain: TimerDomain): void {
    const { namespaces, seqs } = due;
    const host = this.host;
    for (let i = 0; i < namespaces.length; i++) {
      const namespace = namespaces[i]!;
      if (takeTimer(namespace.timers, time, seqs[i]!)) host.onTimer(namespace, time, domain);
    }
  }

  restore(restored: Iterable<TNamespace>): void {
    const timers: { time: number; seq: number; domain: TimerDomain; namespace: TNamespace }[] = [];
    let maxSeq = this.seq - 1;
    for (const namespace of restored) {
      const list = namespace.timers;
      for (let i = 0; i < list.length; i += 3) {
        timers.push({ time: list[i]!, seq: list[i + 1]!, domain: list[i + 2] as TimerDomain, namespace });
        if (list[i + 1]! > maxSeq) maxSeq = list[i + 1]!;
      }
    }
    // In registration order, so that timers due together fire as they would have.
    timers.sort((a, b) => a.seq - b.seq);
    for (const { time, seq, domain, namespace } of timers) {
      (domain === EVENT_TIME ? this.eventQueue : this.processingQueue).add(time, namespace, seq);
    }
    this.seq = maxSeq + 1;
    this.scheduleEarliest();
  }

  /**
   * Takes the next registration number: the window operator numbers its windows from the same
   * counter as their timers, so that one order covers both (and its checkpoints keep it).
   */
  next(): number {
    return this.seq++;
  }

  /** Continues numbering after `seq` (restored windows' own numbers). */
  continueAfter(seq: number): void {
    if (seq >= this.seq) this.seq = seq + 1;
  }
}

/**
 * Timers due at the same time fire by key: numbers before strings, then ascending (a key has one
 * timer per time and domain, so the order is total). It depends only on the timers, so it is the
 * same before and after a restore: the keyed process operator's order.
 *
 * @example
 * const timers = new KeyOrderTimerService<KeyTimers>({
 *   onTimer: (owner, time, domain) => callOnTimer(owner.key, time, domain),
 *   scheduleProcessingTime: (at, callback) => context.scheduleProcessingTime(at, callback),
 *   now: () => context.clock.now(),
 * });
 * timers.register(owner, ctx.timestamp + 60_000, EVENT_TIME);
 */
export class KeyOrderTimerService<
  TNamespace extends KeyedTimerNamespace,
> extends InternalTimerService<TNamespace> {
  protected fireDue(due: DueTogether<TNamespace>, time: number, domain: TimerDomain): void {
    const { namespaces, seqs } = due;
    const n = namespaces.length;
    if (n > 1) sortByKey(namespaces, seqs);
    const host = this.host;
    const queue = domain === EVENT_TIME ? this.eventQueue : this.processingQueue;
    for (let i = 0; i < n; i++) {
      const namespace = namespaces[i]!;
      if (!takeTimer(namespace.timers, time, seqs[i]!)) continue;
      host.onTimer(namespace, time, domain);
      const next = queue.peek();
      if (next !== undefined && next <= time && i + 1 < n) {
        // onTimer registered a timer that is due already, which may come before the rest by time
        // or key: the rest go back to be ordered with it.
        for (let j = i + 1; j < n; j++) queue.add(time, namespaces[j]!, seqs[j]!);
        return;
      }
    }
  }

  restore(restored: Iterable<TNamespace>): void {
    for (const namespace of restored) {
      const list = namespace.timers;
      for (let i = 0; i < list.length; i += 3) {
        const seq = this.seq++;
        // Numbered afresh: the order of timers due together is by key, not by number.
        list[i + 1] = seq;
        (list[i + 2] === EVENT_TIME ? this.eventQueue : this.processingQueue).add(list[i]!, namespace, seq);
      }
    }
    this.scheduleEarliest();
  }
}

/** Whether key `a` comes before key `b`: numbers before strings, then ascending. */
function keyBefore(a: Key, b: Key): boolean {
  if (typeof a === typeof b) return a < b;
  return typeof a === "number";
}

/**
 * Sorts timers due together by key, their numbers alongside (insertion sort: the lists are
 * mostly short, and a key's deleted and re-registered timer sits next to its live one).
 */
function sortByKey<TNamespace extends KeyedTimerNamespace>(namespaces: TNamespace[], seqs: number[]): void {
  const n = namespaces.length;
  if (n > 32) {
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((i, j) => {
      const a = namespaces[i]!.key;
      const b = namespaces[j]!.key;
      return keyBefore(a, b) ? -1 : keyBefore(b, a) ? 1 : seqs[i]! - seqs[j]!;
    });
    const sortedNamespaces = order.map((i) => namespaces[i]!);
    const sortedSeqs = order.map((i) => seqs[i]!);
    for (let i = 0; i < n; i++) {
      namespaces[i] = sortedNamespaces[i]!;
      seqs[i] = sortedSeqs[i]!;
    }
    return;
  }
  for (let i = 1; i < n; i++) {
    const namespace = namespaces[i]!;
    const seq = seqs[i]!;
    const key = namespace.key;
    let j = i - 1;
    while (j >= 0 && keyBefore(key, namespaces[j]!.key)) {
      namespaces[j + 1] = namespaces[j]!;
      seqs[j + 1] = seqs[j]!;
      j--;
    }
    namespaces[j + 1] = namespace;
    seqs[j + 1] = seq;
  }
}
