import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { Key } from "../state/key-group.ts";
import { type Timer, TimerQueue } from "./timer-queue.ts";

type Op = { add: [number, Key] } | { remove: number } | { poll: true };

describe("TimerQueue", () => {
  test("an empty queue has nothing to peek or poll", () => {
    const queue = new TimerQueue<null>();
    expect(queue.size).toBe(0);
    expect(queue.peek()).toBeUndefined();
    expect(queue.poll()).toBeUndefined();
  });

  test("orders by time, then numbers before strings, then by key", () => {
    const queue = new TimerQueue<null>();
    for (const [time, key] of [
      [5, "b"],
      [5, 2],
      [1, "z"],
      [5, "a"],
      [5, 10],
    ] as const) {
      queue.add(time, key, null);
    }
    const order: [number, Key][] = [];
    for (let t = queue.poll(); t !== undefined; t = queue.poll()) order.push([t.time, t.key]);
    expect(order).toEqual([
      [1, "z"],
      [5, 2],
      [5, 10],
      [5, "a"],
      [5, "b"],
    ]);
  });

  test("behaves like a sorted list under any adds, removals and polls", () => {
    const op = fc.oneof(
      fc
        .tuple(
          fc.integer({ min: 0, max: 20 }),
          fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom("a", "b")),
        )
        .map((add): Op => ({ add })),
      fc.nat().map((remove): Op => ({ remove })),
      fc.constant<Op>({ poll: true }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const queue = new TimerQueue<number>();
        const model: Timer<number>[] = [];
        const rank = (t: Timer<number>) => [t.time, typeof t.key === "number" ? 0 : 1, t.key] as const;
        const sorted = () =>
          [...model].sort((x, y) => {
            const [a, b] = [rank(x), rank(y)];
            for (let i = 0; i < 3; i++) if (a[i]! !== b[i]!) return a[i]! < b[i]! ? -1 : 1;
            return 0;
          });
        let id = 0;
        for (const o of ops) {
          if ("add" in o) {
            model.push(queue.add(o.add[0], o.add[1], id++));
          } else if ("remove" in o) {
            if (model.length === 0) continue;
            const [victim] = model.splice(o.remove % model.length, 1);
            queue.remove(victim!);
            queue.remove(victim!); // a second removal does nothing
          } else {
            const expected = sorted()[0];
            const polled = queue.poll();
            expect(polled && rank(polled)).toEqual(expected && rank(expected));
            if (polled) model.splice(model.indexOf(polled), 1);
          }
          expect(queue.size).toBe(model.length);
          const head = sorted()[0];
          expect(queue.peek() && rank(queue.peek()!)).toEqual(head && rank(head));
        }
      }),
      { numRuns: 300 },
    );
  });
});
