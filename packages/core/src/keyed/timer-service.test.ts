import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Key } from "../state/key-group.ts";
import { VirtualClock } from "../time/clock.ts";
import {
  EVENT_TIME,
  KeyOrderTimerService,
  PROCESSING_TIME,
  SequenceTimerService,
  type TimerDomain,
  type TimerServiceHost,
} from "./timer-service.ts";

/** A namespace: a name for what fired, its key and its timers. */
interface Ns {
  readonly name: string;
  readonly key: Key;
  readonly timers: number[];
}

const ns = (name: string, key: Key = name): Ns => ({ name, key, timers: [] });

/** A host on a virtual clock that records what fires, and how often the service scheduled. */
function host(onTimer?: (namespace: Ns, time: number, domain: TimerDomain) => void) {
  const clock = new VirtualClock(0);
  const fired: string[] = [];
  let scheduled = 0;
  const h: TimerServiceHost<Ns> = {
    onTimer(namespace, time, domain) {
      fired.push(`${namespace.name}@${time}${domain === EVENT_TIME ? "e" : "p"}`);
      onTimer?.(namespace, time, domain);
    },
    scheduleProcessingTime(at, callback) {
      scheduled++;
      return clock.schedule(at, callback);
    },
    now: () => clock.now(),
  };
  return { h, clock, fired, scheduled: () => scheduled };
}

describe("SequenceTimerService", () => {
  test("fires by time, timers due together in registration order, each (namespace, time, domain) once", () => {
    const { h, fired } = host();
    const timers = new SequenceTimerService(h);
    const [a, b, c] = [ns("a"), ns("b"), ns("c")];
    timers.register(c, 10, EVENT_TIME);
    timers.register(a, 10, EVENT_TIME);
    timers.register(b, 5, EVENT_TIME);
    expect(timers.register(c, 10, EVENT_TIME)).toBe(false);
    expect(timers.register(c, 10, PROCESSING_TIME)).toBe(true);
    timers.advanceWatermark(9);
    expect(fired).toEqual(["b@5e"]);
    timers.advanceWatermark(10);
    expect(fired).toEqual(["b@5e", "c@10e", "a@10e"]);
    expect(c.timers).toEqual([10, 3, PROCESSING_TIME]);
  });

  test("a deleted timer never fires, and registered again it fires once, in its new place", () => {
    const { h, fired } = host();
    const timers = new SequenceTimerService(h);
    const [a, b] = [ns("a"), ns("b")];
    timers.register(a, 10, EVENT_TIME);
    timers.register(b, 10, EVENT_TIME);
    expect(timers.delete(a, 10, EVENT_TIME)).toBe(true);
    expect(timers.delete(a, 10, EVENT_TIME)).toBe(false);
    expect(a.timers).toEqual([]);
    timers.register(a, 10, EVENT_TIME);
    timers.register(b, 20, EVENT_TIME);
    timers.deleteAll(b);
    timers.advanceWatermark(Number.POSITIVE_INFINITY);
    expect(fired).toEqual(["a@10e"]);
  });

  test("deleted timers hold no memory: a time whose timers are all deleted goes, and one mostly deleted is compacted", () => {
    const { h, fired } = host();
    const timers = new SequenceTimerService(h);
    const many = Array.from({ length: 1_000 }, (_, i) => ns(`n${i}`));
    // A timeout pattern: each record moves its key's timer to a later time.
    for (let round = 0; round < 20; round++) {
      for (const [i, n] of many.entries()) {
        if (round > 0) timers.delete(n, 1_000 * round + i, PROCESSING_TIME);
        timers.register(n, 1_000 * (round + 1) + i, PROCESSING_TIME);
      }
    }
    expect(timers.heldEntries()).toBe(1_000);
    // Many timers due together, most deleted: what stays is bounded by the live ones.
    for (const n of many) timers.register(n, 50_000, EVENT_TIME);
    for (const n of many.slice(0, 900)) timers.delete(n, 50_000, EVENT_TIME);
    expect(timers.heldEntries() - 1_000).toBeLessThanOrEqual(2 * 100);
    timers.advanceWatermark(50_000);
    expect(fired).toEqual(many.slice(900).map((n) => `${n.name}@50000e`));
    expect(timers.heldEntries()).toBe(1_000);
  });

  test("one processing-time callback, at the earliest timer, re-armed after firing", () => {
    const { h, clock, fired, scheduled } = host();
    const timers = new SequenceTimerService(h);
    const a = ns("a");
    timers.register(a, 30, PROCESSING_TIME);
    timers.register(a, 20, PROCESSING_TIME);
    timers.register(a, 25, PROCESSING_TIME);
    timers.register(a, 40, PROCESSING_TIME);
    // 30, then 20 (earlier); 25 and 40 wait for the callback at 20.
    expect(scheduled()).toBe(2);
    clock.advanceTo(26);
    expect(fired).toEqual(["a@20p", "a@25p"]);
    // Each run re-armed it for the next timer: at 25, then at 30.
    expect(scheduled()).toBe(4);
    // A deleted timer leaves the callback armed; it finds nothing due and moves on.
    timers.delete(a, 30, PROCESSING_TIME);
    clock.advanceTo(35);
    expect(fired).toEqual(["a@20p", "a@25p"]);
    clock.advanceTo(40);
    expect(fired).toEqual(["a@20p", "a@25p", "a@40p"]);
    timers.register(a, 50, PROCESSING_TIME);
    timers.close();
    clock.advanceTo(60);
    expect(fired).toHaveLength(3);
  });

  test("restored timers fire in the registration order they were written with, and numbering continues after them", () => {
    const { h, fired } = host();
    const timers = new SequenceTimerService(h);
    const [a, b] = [ns("a"), ns("b")];
    a.timers.push(10, 7, EVENT_TIME, 30, 2, PROCESSING_TIME);
    b.timers.push(10, 4, EVENT_TIME);
    timers.restore([a, b]);
    expect(timers.next()).toBe(8);
    timers.continueAfter(20);
    expect(timers.next()).toBe(21);
    timers.advanceWatermark(10);
    expect(fired).toEqual(["b@10e", "a@10e"]);
  });
});

describe("KeyOrderTimerService", () => {
  test("timers due together fire by key: numbers before strings, then ascending", () => {
    const { h, fired } = host();
    const timers = new KeyOrderTimerService(h);
    for (const [time, key] of [
      [5, "b"],
      [5, 2],
      [1, "z"],
      [5, "a"],
      [5, 10],
    ] as const) {
      timers.register(ns(String(key), key), time, EVENT_TIME);
    }
    timers.advanceWatermark(5);
    expect(fired).toEqual(["z@1e", "2@5e", "10@5e", "a@5e", "b@5e"]);
  });

  /** One operation on the service, and what a sorted list of (time, key) does with it. */
  type Op = { add: [number, number] } | { remove: number } | { advance: number } | { chain: number };

  test("fires as a list sorted by time then key under any registrations, deletions, watermarks and timers registered while firing", () => {
    const op = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 0, max: 5 })).map((add): Op => ({ add })),
      fc.nat().map((remove): Op => ({ remove })),
      fc.integer({ min: 0, max: 30 }).map((advance): Op => ({ advance })),
      // While firing, a timer registers one that is due already (see `chained`).
      fc.integer({ min: 0, max: 3 }).map((chain): Op => ({ chain })),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 120 }), (ops) => {
        const keys = [0, 1, 2, 3, 4, 5].map((k) => (k % 2 === 0 ? ns(`n${k}`, k) : ns(`s${k}`, `k${k}`)));
        let chain = -1;
        /**
         * The timer a firing one registers: for the next key at the same time (`chain` 0), or
         * `chain` earlier (for the next key round); none once that would not end.
         */
        const chained = (n: Ns, time: number): [number, Ns] | undefined => {
          const i = keys.indexOf(n);
          if (chain === 0) return i + 1 < keys.length ? [time, keys[i + 1]!] : undefined;
          if (chain > 0 && time - chain >= 0) return [time - chain, keys[(i + 1) % keys.length]!];
          return undefined;
        };
        const model: [number, Ns][] = [];
        const sorted = () =>
          [...model].sort(([ta, a], [tb, b]) =>
            ta !== tb
              ? ta - tb
              : typeof a.key !== typeof b.key
                ? typeof a.key === "number"
                  ? -1
                  : 1
                : a.key < b.key
                  ? -1
                  : 1,
          );
        const expected: string[] = [];
        let watermark = -1;
        const { h, fired } = host((namespace, time) => {
          const next = chained(namespace, time);
          if (next !== undefined) timers.register(next[1], next[0], EVENT_TIME);
        });
        const timers = new KeyOrderTimerService(h);
        const has = (time: number, n: Ns) => model.some(([t, m]) => t === time && m === n);
        for (const o of ops) {
          if ("add" in o) {
            const [time, k] = o.add;
            const n = keys[k]!;
            timers.register(n, time, EVENT_TIME);
            if (!has(time, n)) model.push([time, n]);
          } else if ("remove" in o) {
            if (model.length === 0) continue;
            const [[time, n]] = model.splice(o.remove % model.length, 1) as [[number, Ns]];
            expect(timers.delete(n, time, EVENT_TIME)).toBe(true);
          } else if ("chain" in o) {
            chain = o.chain;
          } else if (o.advance > watermark) {
            watermark = o.advance;
            // The model fires the earliest due timer, one at a time, adding chained ones as it goes.
            for (let head = sorted()[0]; head !== undefined && head[0] <= watermark; head = sorted()[0]) {
              model.splice(model.indexOf(head), 1);
              const [time, n] = head;
              expected.push(`${n.name}@${time}e`);
              const next = chained(n, time);
              if (next !== undefined && !has(...next)) model.push(next);
            }
            timers.advanceWatermark(watermark);
            expect(fired).toEqual(expected);
          }
        }
        for (const n of keys) expect(n.timers.length / 3).toBe(model.filter(([, m]) => m === n).length);
      }),
      { numRuns: 300 },
    );
  });

  test("restored timers fire by key whatever order they are restored in", () => {
    const { h, fired } = host();
    const timers = new KeyOrderTimerService(h);
    const [a, b] = [ns("a"), ns("b")];
    b.timers.push(10, 0, EVENT_TIME, 20, 0, PROCESSING_TIME);
    a.timers.push(10, 0, EVENT_TIME);
    timers.restore([b, a]);
    timers.advanceWatermark(10);
    expect(fired).toEqual(["a@10e", "b@10e"]);
  });
});
