import { Subject } from "rxjs";
import { expect, test } from "vitest";
import type { StreamElement } from "./elements.ts";
import { unionStage } from "./union-stage.ts";

function union(inputs: number) {
  const subjects = Array.from({ length: inputs }, () => new Subject<StreamElement<string>>());
  const out: StreamElement<string>[] = [];
  let completed = false;
  unionStage(subjects).subscribe({ next: (e) => out.push(e), complete: () => (completed = true) });
  const data = (i: number, ...values: string[]) =>
    subjects[i]!.next({ kind: "data", values, timestamps: values.map(() => 0) });
  const describe = () =>
    out.map((e) =>
      e.kind === "data"
        ? e.values.join(",")
        : e.kind === "watermark"
          ? `wm${e.timestamp}`
          : e.kind === "barrier"
            ? `barrier${e.checkpointId}`
            : e.kind,
    );
  return { subjects, data, describe, completed: () => completed };
}

test("forwards the minimum of the inputs' watermarks when it advances", () => {
  const u = union(2);
  u.subjects[0]!.next({ kind: "watermark", timestamp: 10 });
  u.subjects[1]!.next({ kind: "watermark", timestamp: 5 });
  u.subjects[1]!.next({ kind: "watermark", timestamp: 20 });
  u.subjects[0]!.next({ kind: "watermark", timestamp: 30 });
  expect(u.describe()).toEqual(["wm5", "wm10", "wm20"]);
});

test("aligns barriers: an input past the barrier waits for the others", () => {
  const u = union(2);
  u.data(0, "a1");
  u.subjects[0]!.next({ kind: "barrier", checkpointId: 1, full: false });
  u.data(0, "a2");
  u.data(1, "b1");
  expect(u.describe()).toEqual(["a1", "b1"]);
  u.subjects[1]!.next({ kind: "barrier", checkpointId: 1, full: false });
  u.data(1, "b2");
  expect(u.describe()).toEqual(["a1", "b1", "barrier1", "a2", "b2"]);
});

test("an ended input no longer holds back watermarks or barriers; the output ends with the last input", () => {
  const u = union(2);
  u.subjects[0]!.next({ kind: "watermark", timestamp: 10 });
  u.subjects[1]!.next({ kind: "watermark", timestamp: Number.POSITIVE_INFINITY });
  u.subjects[1]!.next({ kind: "end" });
  u.subjects[0]!.next({ kind: "barrier", checkpointId: 7, full: false });
  u.data(0, "x");
  u.subjects[0]!.next({ kind: "watermark", timestamp: 50 });
  expect(u.describe()).toEqual(["wm10", "barrier7", "x", "wm50"]);
  u.subjects[0]!.next({ kind: "end" });
  expect(u.describe().at(-1)).toBe("end");
  for (const s of u.subjects) s.complete();
  expect(u.completed()).toBe(true);
});
