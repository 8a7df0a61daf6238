import { describe, expect, test } from "vitest";
import type { DataStream } from "../dsl/data-stream.ts";
import { OperatorError } from "../runtime/errors.ts";
import { OperatorMetrics } from "../runtime/metrics.ts";
import type { OperatorContext, Output } from "../runtime/operator.ts";
import { type FailedRecord, OutputTag } from "../runtime/output-tag.ts";
import type { KeyGroupSnapshot } from "../state/keyed-heap.ts";
import { createTestHarness, type TestHarness } from "../testing/index.ts";
import { VirtualClock } from "../time/clock.ts";
import type { KeyedProcessFunction } from "./keyed-process-function.ts";
import { keyedProcessOperator } from "./keyed-process-operator.ts";
import { listState, mapState, type StateDescriptor, valueState } from "./state-descriptors.ts";

interface Click {
  readonly page: string;
  readonly user: string;
}

const click = (page: string, user = "u"): Click => ({ page, user });

function processHarness<R, TDecl extends Record<string, StateDescriptor>>(
  fn: KeyedProcessFunction<string, Click, R, TDecl>,
  options?: { errors?: OutputTag<FailedRecord<Click>> },
) {
  return createTestHarness((input: DataStream<Click>) => input.keyBy((c) => c.page).process(fn, options));
}

/** Runs the operator directly, to look at what it keeps per key. */
function direct<R, TDecl extends Record<string, StateDescriptor>>(
  fn: KeyedProcessFunction<string, Click, R, TDecl>,
) {
  const out: R[] = [];
  const output: Output<R> = {
    emit: (value) => out.push(value),
    emitBatch: () => {},
    emitSide: () => {},
    emitWatermark: () => {},
  };
  const clock = new VirtualClock();
  const context: OperatorContext = {
    name: "process",
    clock,
    keyGroups: 4,
    metrics: new OperatorMetrics("process"),
    currentWatermark: () => Number.NEGATIVE_INFINITY,
    scheduleProcessingTime: (at, callback) => clock.schedule(at, callback),
    fail: (error) => {
      throw error;
    },
  };
  const operator = keyedProcessOperator((c: Click) => c.page, fn)(context, output);
  const send = (...pages: string[]) =>
    operator.processBatch({
      kind: "data",
      values: pages.map((p) => click(p)),
      timestamps: pages.map(() => 1),
    });
  const keys = () =>
    (operator.snapshotState?.(true).keyGroups ?? [])
      .flatMap((g) => (g as KeyGroupSnapshot).entries.map(([key]) => key))
      .sort();
  return { operator, send, keys, out, clock };
}

describe("keyed process: state", () => {
  test("value state is per key and starts at its initial value", async () => {
    const h = processHarness({
      state: { count: valueState(0) },
      processElement(_c, ctx) {
        const n = ctx.state.count.value() + 1;
        ctx.state.count.update(n);
        ctx.emit(`${ctx.key}:${n}`);
      },
    });
    await h.processElements(["a", "b", "a", "a", "b"].map((p, i) => ({ value: click(p), timestamp: i })));
    expect(h.output()).toEqual([
      { value: "a:1", timestamp: 0 },
      { value: "b:1", timestamp: 1 },
      { value: "a:2", timestamp: 2 },
      { value: "a:3", timestamp: 3 },
      { value: "b:2", timestamp: 4 },
    ]);
  });

  test("value state without an initial value reads undefined until updated; clear resets it", async () => {
    const seen: (string | undefined)[] = [];
    const h = processHarness({
      state: { last: valueState<string>() },
      processElement(c, ctx) {
        seen.push(ctx.state.last.value());
        if (c.user === "reset") ctx.state.last.clear();
        else ctx.state.last.update(c.user);
      },
    });
    await h.processElements(["x", "y", "reset", "z"].map((u, i) => ({ value: click("p", u), timestamp: i })));
    expect(seen).toEqual([undefined, "x", "y", undefined]);
  });

  test("an object initial value is a template: changing what one key read does not leak to another", async () => {
    const h = processHarness({
      state: { seen: valueState<number[]>([]) },
      processElement(_c, ctx) {
        const list = ctx.state.seen.value();
        list.push(ctx.timestamp);
        ctx.state.seen.update(list);
        ctx.emit([...list]);
      },
    });
    await h.processElements(["a", "b", "a"].map((p, i) => ({ value: click(p), timestamp: i })));
    expect(h.values()).toEqual([[0], [1], [0, 2]]);
  });

  test("list state adds, reads, updates and clears", async () => {
    const h = processHarness({
      state: { users: listState<string>() },
      processElement(c, ctx) {
        if (c.user === "clear") ctx.state.users.clear();
        else if (c.user === "only") ctx.state.users.update(["only"]);
        else ctx.state.users.add(c.user);
        ctx.emit([...ctx.state.users.get()]);
      },
    });
    await h.processElements(
      ["x", "y", "only", "z", "clear", "w"].map((u, i) => ({ value: click("p", u), timestamp: i })),
    );
    expect(h.values()).toEqual([["x"], ["x", "y"], ["only"], ["only", "z"], [], ["w"]]);
  });

  test("map state puts, gets, removes and iterates", async () => {
    const h = processHarness({
      state: { perUser: mapState<string, number>() },
      processElement(c, ctx) {
        const m = ctx.state.perUser;
        if (c.user.startsWith("-")) m.remove(c.user.slice(1));
        else m.put(c.user, (m.get(c.user) ?? 0) + 1);
        expect(m.has(c.user)).toBe(!c.user.startsWith("-"));
        expect(m.size).toBe([...m.entries()].length);
        ctx.emit([...m.entries()]);
      },
    });
    await h.processElements(
      ["x", "y", "x", "-x", "-nobody"].map((u, i) => ({ value: click("p", u), timestamp: i })),
    );
    expect(h.values()).toEqual([
      [["x", 1]],
      [
        ["x", 1],
        ["y", 1],
      ],
      [
        ["x", 2],
        ["y", 1],
      ],
      [["y", 1]],
      [["y", 1]],
    ]);
  });

  test("a key whose state is all cleared and that has no timers is removed", () => {
    const { send, keys } = direct({
      state: { n: valueState(0), tags: listState<string>(), m: mapState<number, string>() },
      processElement(c, ctx) {
        if (c.page === "read") {
          ctx.state.n.value();
          ctx.state.tags.get();
          ctx.state.m.get(1);
        } else if (c.page === "write") {
          ctx.state.n.update(1);
          ctx.state.tags.add("t");
          ctx.state.m.put(1, "x");
        } else if (c.page === "timer") {
          ctx.timerService.registerEventTimeTimer(100);
        }
      },
    });
    send("read");
    expect(keys()).toEqual([]);
    send("write", "timer");
    expect(keys()).toEqual(["timer", "write"]);
  });

  test("clearing every state of a key removes it; a timer keeps it", () => {
    const { keys, operator } = direct({
      state: { n: valueState(0), tags: listState<string>(), m: mapState<number, string>() },
      processElement(c, ctx) {
        if (c.user === "set") {
          ctx.state.n.update(1);
          ctx.state.tags.add("t");
          ctx.state.m.put(1, "x");
          ctx.timerService.registerEventTimeTimer(10);
        } else {
          ctx.state.n.clear();
          ctx.state.tags.update([]);
          ctx.state.m.remove(1);
        }
      },
    });
    operator.processBatch({
      kind: "data",
      values: [click("a", "set"), click("a", "clear")],
      timestamps: [1, 2],
    });
    expect(keys()).toEqual(["a"]);
    operator.processWatermark?.(10);
    expect(keys()).toEqual([]);
  });
});

describe("keyed process: event-time timers", () => {
  test("fire when the watermark reaches them, in time order, before the watermark goes on", async () => {
    const h = createTestHarness((input: DataStream<Click>) =>
      input
        .keyBy((c) => c.page)
        .process<string>({
          processElement(c, ctx) {
            ctx.timerService.registerEventTimeTimer(ctx.timestamp + Number(c.user));
          },
          onTimer(time, ctx) {
            ctx.emit(`${ctx.key}@${time}/${ctx.timeDomain}/wm=${ctx.timerService.currentWatermark()}`);
          },
        })
        // Downstream sees each timer's result while its watermark is still the previous one.
        .process<string>({
          processElement: (s, ctx) => ctx.emit(`${s} downstream-wm=${ctx.currentWatermark()}`),
        }),
    );
    await h.processElements([
      { value: click("a", "10"), timestamp: 0 },
      { value: click("b", "5"), timestamp: 0 },
      { value: click("c", "30"), timestamp: 0 },
    ]);
    await h.processWatermark(4);
    expect(h.output()).toEqual([]);
    await h.processWatermark(10);
    await h.processWatermark(50);
    expect(h.output()).toEqual([
      { value: "b@5/event-time/wm=10 downstream-wm=4", timestamp: 5 },
      { value: "a@10/event-time/wm=10 downstream-wm=4", timestamp: 10 },
      { value: "c@30/event-time/wm=50 downstream-wm=10", timestamp: 30 },
    ]);
  });

  test("a timer is (key, time): registering twice fires once; timers of one time fire by key", async () => {
    const h = processHarness({
      processElement(_c, ctx) {
        ctx.timerService.registerEventTimeTimer(20);
        ctx.timerService.registerEventTimeTimer(20);
      },
      onTimer(time, ctx) {
        ctx.emit(`${ctx.key}@${time}`);
      },
    });
    await h.processElements(["b", "a", "b", "c"].map((p) => ({ value: click(p), timestamp: 1 })));
    await h.endInput();
    expect(h.values()).toEqual(["a@20", "b@20", "c@20"]);
  });

  test("a deleted timer does not fire; deleting an unknown timer does nothing", async () => {
    const h = processHarness({
      processElement(c, ctx) {
        if (c.user === "cancel") ctx.timerService.deleteEventTimeTimer(20);
        else if (c.user === "cancel-unknown") ctx.timerService.deleteEventTimeTimer(99);
        else ctx.timerService.registerEventTimeTimer(20);
      },
      onTimer(time, ctx) {
        ctx.emit(`${ctx.key}@${time}`);
      },
    });
    await h.processElements([
      { value: click("a"), timestamp: 1 },
      { value: click("b"), timestamp: 1 },
      { value: click("a", "cancel"), timestamp: 2 },
      { value: click("c", "cancel-unknown"), timestamp: 2 },
    ]);
    await h.processWatermark(30);
    expect(h.values()).toEqual(["b@20"]);
  });

  test("a timer at or below the watermark fires with the next watermark; onTimer can set new timers", async () => {
    const h = processHarness({
      processElement(_c, ctx) {
        ctx.timerService.registerEventTimeTimer(ctx.timerService.currentWatermark());
      },
      onTimer(time, ctx) {
        ctx.emit(`${ctx.key}@${time}`);
        // Due at once: fires within the same watermark.
        if (time < 12) ctx.timerService.registerEventTimeTimer(time + 1);
      },
    });
    await h.processWatermark(10);
    await h.processElement(click("a"), 50);
    expect(h.values()).toEqual([]);
    await h.processWatermark(20);
    expect(h.values()).toEqual(["a@10", "a@11", "a@12"]);
  });

  test("state read and written in onTimer is the timer's key", async () => {
    const h = processHarness({
      state: { count: valueState(0) },
      processElement(_c, ctx) {
        ctx.state.count.update(ctx.state.count.value() + 1);
        ctx.timerService.registerEventTimeTimer(100);
      },
      onTimer(_time, ctx) {
        ctx.emit(`${ctx.key}=${ctx.state.count.value()}`, 7);
        ctx.state.count.clear();
      },
    });
    await h.processElements(["a", "b", "a"].map((p, i) => ({ value: click(p), timestamp: i })));
    await h.processWatermark(100);
    await h.processElement(click("a"), 101);
    await h.endInput();
    // The last record's timer (100) is already due: it fires with the final watermark.
    expect(h.output()).toEqual([
      { value: "a=2", timestamp: 7 },
      { value: "b=1", timestamp: 7 },
      { value: "a=1", timestamp: 7 },
    ]);
  });
});

describe("keyed process: processing-time timers", () => {
  test("fire when processing time reaches them, on the timer's key", async () => {
    const h = processHarness({
      processElement(c, ctx) {
        ctx.timerService.registerProcessingTimeTimer(
          ctx.timerService.currentProcessingTime() + Number(c.user),
        );
      },
      onTimer(time, ctx) {
        ctx.emit(`${ctx.key}@${time}/${ctx.timeDomain}/now=${ctx.timerService.currentProcessingTime()}`);
      },
    });
    await h.processElement(click("a", "100"), 1);
    await h.setProcessingTime(40);
    await h.processElement(click("b", "20"), 2);
    await h.processElement(click("c", "20"), 3);
    await h.processElement(click("c", "20"), 3);
    await h.setProcessingTime(59);
    expect(h.values()).toEqual([]);
    await h.setProcessingTime(60);
    expect(h.values()).toEqual(["b@60/processing-time/now=60", "c@60/processing-time/now=60"]);
    await h.setProcessingTime(1_000);
    expect(h.output().at(-1)).toEqual({ value: "a@100/processing-time/now=100", timestamp: 100 });
  });

  test("a deleted processing-time timer does not fire, and later ones still do", async () => {
    const h = processHarness({
      processElement(c, ctx) {
        if (c.user === "cancel") ctx.timerService.deleteProcessingTimeTimer(10);
        else ctx.timerService.registerProcessingTimeTimer(Number(c.user));
      },
      onTimer(time, ctx) {
        ctx.emit(`${ctx.key}@${time}`);
      },
    });
    await h.processElements([
      { value: click("a", "10"), timestamp: 0 },
      { value: click("a", "20"), timestamp: 0 },
      { value: click("a", "cancel"), timestamp: 0 },
    ]);
    await h.setProcessingTime(15);
    expect(h.values()).toEqual([]);
    await h.setProcessingTime(25);
    expect(h.values()).toEqual(["a@20"]);
  });
});

describe("keyed process: outputs and errors", () => {
  test("emit takes an explicit timestamp; output sends to a side output", async () => {
    const odd = new OutputTag<string>("odd");
    const h = createTestHarness((input: DataStream<Click>) => {
      const main = input
        .keyBy((c) => c.page)
        .process<string>({
          processElement(c, ctx) {
            if (Number(c.user) % 2) ctx.output(odd, c.user);
            else ctx.emit(c.user, 1_000);
            ctx.output(odd, `also ${c.user}`, 5);
          },
        });
      return main;
    });
    await h.processElements(["1", "2"].map((u, i) => ({ value: click("p", u), timestamp: i })));
    expect(h.output()).toEqual([{ value: "2", timestamp: 1_000 }]);
    expect(h.sideOutput(odd)).toEqual([
      { value: "1", timestamp: 0 },
      { value: "also 1", timestamp: 5 },
      { value: "also 2", timestamp: 5 },
    ]);
  });

  test("a throwing processElement fails the job, naming the operator", async () => {
    const h = processHarness({
      processElement() {
        throw new Error("broken");
      },
    });
    const failure = h.processElement(click("a"), 3);
    await expect(failure).rejects.toThrow(OperatorError);
    await expect(failure).rejects.toThrow(/process#\d+: failed on a record \(timestamp 3\): broken/);
  });

  test("with an errors output, failing records are routed there and later ones go on", async () => {
    const errors = new OutputTag<FailedRecord<Click>>("errors");
    const h = createTestHarness((input: DataStream<Click>) =>
      input
        .keyBy((c) => {
          if (c.page === "") throw new Error("no page");
          return c.page;
        })
        .process<string>(
          {
            processElement(c, ctx) {
              if (c.user === "bad") throw new Error("bad user");
              ctx.emit(c.user);
            },
          },
          { errors },
        ),
    );
    await h.processElements([
      { value: click("a", "x"), timestamp: 1 },
      { value: click("", "y"), timestamp: 2 },
      { value: click("a", "bad"), timestamp: 3 },
      { value: click("a", "z"), timestamp: 4 },
    ]);
    expect(h.values()).toEqual(["x", "z"]);
    expect(h.sideOutput(errors).map((e) => [e.value.value, e.value.error, e.timestamp])).toEqual([
      [click("", "y"), "no page", 2],
      [click("a", "bad"), "bad user", 3],
    ]);
  });

  test("a throwing onTimer stops the job, naming the operator, the timer and the key", async () => {
    const h = processHarness({
      processElement(_c, ctx) {
        ctx.timerService.registerEventTimeTimer(5);
      },
      onTimer() {
        throw new Error("timer broke");
      },
    });
    await h.processElement(click("a"), 1);
    await expect(h.processWatermark(5)).rejects.toThrow(
      /process#\d+: onTimer \(event-time, time 5, key a\) failed: timer broke/,
    );
  });

  test("a timer time that is not a number fails the record", async () => {
    const h = processHarness({
      processElement(_c, ctx) {
        ctx.timerService.registerEventTimeTimer(Number.NaN);
      },
    });
    await expect(h.processElement(click("a"), 1)).rejects.toThrow(/timer's time must be a number/);
  });
});

describe("keyed process: checkpoints", () => {
  /** Counts clicks per page, reports them on an event-time timer and pings on processing time. */
  const sessions = () =>
    processHarness({
      state: { count: valueState(0), users: listState<string>(), seen: mapState<string, number>() },
      processElement(c, ctx) {
        ctx.state.count.update(ctx.state.count.value() + 1);
        ctx.state.users.add(c.user);
        ctx.state.seen.put(c.user, (ctx.state.seen.get(c.user) ?? 0) + 1);
        ctx.timerService.registerEventTimeTimer(ctx.timestamp - (ctx.timestamp % 10) + 9);
        ctx.timerService.registerProcessingTimeTimer(ctx.timerService.currentProcessingTime() + 50);
        if (c.user === "undo")
          ctx.timerService.deleteEventTimeTimer(ctx.timestamp - (ctx.timestamp % 10) + 9);
      },
      onTimer(time, ctx) {
        ctx.emit({
          key: ctx.key,
          time,
          domain: ctx.timeDomain,
          count: ctx.state.count.value(),
          users: [...ctx.state.users.get()],
          seen: [...ctx.state.seen.entries()],
        });
        if (ctx.timeDomain === "event-time") {
          ctx.state.count.clear();
          ctx.state.users.clear();
        }
      },
    });

  async function run(h: ReturnType<typeof sessions>, restoreAt: ReadonlySet<number>) {
    const steps: ((h: TestHarness<Click, unknown>) => Promise<void>)[] = [
      (h) =>
        h.processElements(
          [click("a", "x"), click("b", "y"), click("a", "z")].map((value, i) => ({ value, timestamp: i })),
        ),
      (h) => h.setProcessingTime(20),
      (h) =>
        h.processElements([click("b", "x"), click("c", "undo")].map((value) => ({ value, timestamp: 5 }))),
      (h) => h.processWatermark(9),
      (h) => h.setProcessingTime(55),
      (h) => h.processElements([click("a", "x"), click("c", "w")].map((value) => ({ value, timestamp: 12 }))),
      (h) => h.setProcessingTime(80),
      (h) => h.processWatermark(30),
      (h) => h.setProcessingTime(500),
    ];
    for (let i = 0; i < steps.length; i++) {
      if (restoreAt.has(i)) await h.snapshotAndRestore();
      await steps[i]!(h);
    }
  }

  test("snapshot and restore anywhere gives the same results as an uninterrupted run", async () => {
    const uninterrupted = sessions();
    await run(uninterrupted, new Set());
    // c's first event timer was deleted, so its count survives until its next one.
    expect(uninterrupted.output().map((r) => r.timestamp)).toEqual([9, 9, 50, 50, 70, 70, 19, 19, 105, 105]);
    expect(uninterrupted.values()[5]).toMatchObject({ key: "c", domain: "processing-time", count: 2 });
    for (const at of [[1], [2], [3], [4], [6], [8], [1, 3, 5, 7], [0, 1, 2, 3, 4, 5, 6, 7, 8]]) {
      const restored = sessions();
      await run(restored, new Set(at));
      expect(restored.output(), `restored before steps ${at}`).toEqual(uninterrupted.output());
    }
  });

  test("the watermark user code reads survives a restore", async () => {
    const h = processHarness({
      processElement(_c, ctx) {
        ctx.emit(ctx.timerService.currentWatermark());
      },
    });
    await h.processElement(click("a"), 1);
    await h.processWatermark(10);
    await h.snapshotAndRestore();
    await h.processElement(click("a"), 20);
    expect(h.values()).toEqual([Number.NEGATIVE_INFINITY, 10]);
  });

  test("state is checkpointed by declared name, with the key's timers", () => {
    const { operator } = direct({
      state: { n: valueState(0), tags: listState<string>() },
      processElement(_c, ctx) {
        ctx.state.n.update(3);
        ctx.timerService.registerEventTimeTimer(40);
        ctx.timerService.registerProcessingTimeTimer(70);
      },
    });
    operator.processBatch({ kind: "data", values: [click("a")], timestamps: [1] });
    expect(operator.snapshotState?.(true).keyGroups?.flatMap((g) => (g as KeyGroupSnapshot).entries)).toEqual(
      [["a", { state: { n: 3 }, eventTimers: [40], processingTimers: [70] }]],
    );
  });
});
