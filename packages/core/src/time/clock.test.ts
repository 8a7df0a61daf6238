import { expect, test } from "vitest";
import { VirtualClock } from "./clock.ts";
import { hours, minutes, ms, seconds } from "./duration.ts";

test("duration helpers are milliseconds", () => {
  expect([ms(5), seconds(2), minutes(1), hours(1)]).toEqual([5, 2_000, 60_000, 3_600_000]);
});

test("the virtual clock runs due callbacks in time order, ties in scheduling order", () => {
  const clock = new VirtualClock(100);
  const ran: string[] = [];
  clock.schedule(300, () => ran.push(`c@${clock.now()}`));
  clock.schedule(200, () => ran.push(`a@${clock.now()}`));
  clock.schedule(200, () => ran.push(`b@${clock.now()}`));
  const cancel = clock.schedule(250, () => ran.push("cancelled"));
  cancel();
  clock.advanceTo(250);
  expect(ran).toEqual(["a@200", "b@200"]);
  expect(clock.now()).toBe(250);
  clock.advanceTo(1_000);
  expect(ran).toEqual(["a@200", "b@200", "c@300"]);
});

test("callbacks scheduled by callbacks run in the same advance when due", () => {
  const clock = new VirtualClock(0);
  const ran: number[] = [];
  const tick = () => {
    ran.push(clock.now());
    if (clock.now() < 30) clock.schedule(clock.now() + 10, tick);
  };
  clock.schedule(10, tick);
  clock.advanceTo(25);
  expect(ran).toEqual([10, 20]);
  clock.advanceTo(10);
  expect(clock.now()).toBe(25);
});
