import { describe, expect, test } from "vitest";
import { MemoryCheckpointStore } from "../checkpoint/memory-store.ts";
import { type Logger, silentLogger } from "../logging/logger.ts";
import { pipeline } from "../pipeline.ts";
import type { DeadLetter, DeadLetterOutput } from "../runtime/dead-letters.ts";
import type { Sink } from "../runtime/sink.ts";
import type { Source } from "../runtime/source.ts";
import { latch } from "../runtime/test-support/test-sources.ts";

/**
 * Reads 0..count-1, two a batch; every multiple of 3 cannot be "decoded" and is sent to the dead
 * letters instead. `gate(position)` may hold a read.
 */
function numbers(count: number, gate?: (position: number) => Promise<void> | undefined): Source<number> {
  return {
    name: "numbers",
    bounded: true,
    open(context) {
      let next = (context.restoredPositions.get("0") as number | undefined) ?? 0;
      return {
        async next() {
          await gate?.(next);
          if (next >= count) return undefined;
          const values: number[] = [];
          for (const end = Math.min(count, next + 2); next < end; next++) {
            if (next % 3 !== 0) values.push(next);
            else {
              context.deadLetters.send({
                origin: "numbers",
                reason: "decode",
                error: `record ${next} is not a number`,
                value: next,
                timestamp: Number.NaN,
              });
            }
          }
          return { kind: "data", split: "0", values, position: next };
        },
      };
    },
  };
}

/** Writes what it gets, except values ending in 4 or 9, which it rejects as dead letters. */
function checkedSink(): Sink<number> & { written: number[] } {
  let deadLetters: DeadLetterOutput;
  const sink = {
    name: "checked",
    written: [] as number[],
    open(context: { deadLetters: DeadLetterOutput }) {
      deadLetters = context.deadLetters;
    },
    write(values: number[]) {
      for (const value of values) {
        if (value % 5 !== 4) sink.written.push(value);
        else
          deadLetters.send({
            origin: "checked",
            reason: "rejected",
            error: "ends in 4 or 9",
            value,
            timestamp: 0,
          });
      }
    },
  };
  return sink;
}

/**
 * An at-least-once dead-letter sink: letters are buffered and become durable only when it flushes
 * (at a checkpoint's barrier, or when it finishes); a stop loses the buffer.
 */
interface LettersSink extends Sink<DeadLetter> {
  buffered: DeadLetter[];
  durable: DeadLetter[];
  events: string[];
  restoredState: unknown;
}

function lettersSink(): LettersSink {
  const sink: LettersSink = {
    name: "letters",
    buffered: [] as DeadLetter[],
    durable: [] as DeadLetter[],
    events: [] as string[],
    restoredState: undefined as unknown,
    open(context: { restoredState: unknown }) {
      sink.restoredState = context.restoredState;
    },
    write(letters: DeadLetter[]) {
      sink.buffered.push(...letters);
    },
    snapshot(checkpointId: number) {
      sink.durable.push(...sink.buffered.splice(0));
      sink.events.push(`snapshot ${checkpointId}`);
      return { durable: sink.durable.length };
    },
    finish() {
      sink.durable.push(...sink.buffered.splice(0));
      sink.events.push("finish");
    },
    close() {
      sink.events.push("close");
    },
  };
  return sink;
}

const lettersOf = (sink: { durable: DeadLetter[] }) =>
  sink.durable.map((l) => `${l.origin}:${String(l.value)}`);

describe("the job's dead-letter sink", () => {
  test("letters of sources and sinks set aside before a checkpoint are flushed with it; a restore loses none", async () => {
    const store = new MemoryCheckpointStore();
    const job = (name: string, letters: LettersSink, gate?: (p: number) => Promise<void> | undefined) => {
      const checked = checkedSink();
      const j = pipeline(name, {
        logger: silentLogger,
        stopOnSignals: false,
        checkpoints: { store },
        deadLetters: letters,
      });
      j.source(numbers(15, gate), { name: "numbers" }).sink(checked, { name: "checked" });
      return { job: j, checked };
    };

    const reached = latch();
    const hold = latch();
    const firstLetters = lettersSink();
    const first = job("letters", firstLetters, (position) => {
      if (position !== 6) return undefined;
      reached.open();
      return hold.promise;
    });
    const running = first.job.run();
    await reached.promise;
    const savepoint = await first.job.savepoint("mid");
    // Everything set aside before the barrier is durable once the savepoint is: the source's
    // undecodable 0 and 3, and 4, which the sink rejected.
    expect(lettersOf(firstLetters)).toEqual(["numbers:0", "numbers:3", "checked:4"]);
    expect(savepoint.sinks["dead-letters"]).toBeDefined();
    expect(first.job.metrics.forOperator("dead-letters").recordsIn).toBe(3);
    expect(first.job.metrics.forOperator("numbers").deadLetters).toBe(2);
    expect(first.job.metrics.forOperator("checked").deadLetters).toBe(1);
    await first.job.stop();
    hold.open();
    expect((await running).outcome).toBe("stopped");
    expect(firstLetters.events).toEqual(["snapshot 1", "close"]);

    const secondLetters = lettersSink();
    const second = job("letters", secondLetters);
    expect(await second.job.run()).toEqual({ outcome: "finished", restoredFrom: 1 });
    expect(secondLetters.restoredState).toEqual({ durable: 3 });
    expect(lettersOf(secondLetters)).toEqual(["numbers:6", "numbers:9", "numbers:12", "checked:14"]);
    expect(secondLetters.events.slice(-2)).toEqual(["finish", "close"]);
    // Every letter of the input is durable in one run or the other.
    const all = [...lettersOf(firstLetters), ...lettersOf(secondLetters)];
    expect(all).toEqual([
      "numbers:0",
      "numbers:3",
      "checked:4",
      "numbers:6",
      "numbers:9",
      "numbers:12",
      "checked:14",
    ]);
    expect(second.checked.written).toEqual([7, 8, 10, 11, 13]);
    // The job's last checkpoint covers the dead-letter sink's end too.
    const [latest] = await store.checkpoints("letters");
    expect(secondLetters.events).toContain(`snapshot ${latest!.checkpointId}`);
  });

  test("without checkpoints the dead-letter sink is opened, finished and closed with the job", async () => {
    const letters = lettersSink();
    const job = pipeline("letters-plain", { logger: silentLogger, deadLetters: letters });
    job.source(numbers(6)).sink(checkedSink());
    await job.run();
    expect(lettersOf(letters)).toEqual(["numbers:0", "numbers:3", "checked:4"]);
    expect(letters.events).toEqual(["finish", "close"]);
  });

  test("without a dead-letter sink each letter is logged and counted", async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (m) => warnings.push(m) };
    const job = pipeline("letters-logged", { logger });
    job.source(numbers(4), { name: "numbers" }).sink(checkedSink());
    await job.run();
    expect(warnings).toEqual([
      "dead letter from numbers (decode): record 0 is not a number",
      "dead letter from numbers (decode): record 3 is not a number",
    ]);
    expect(job.metrics.forOperator("numbers").deadLetters).toBe(2);
  });

  test('a node named "dead-letters" beside a dead-letter sink is refused', async () => {
    const job = pipeline("clash", { logger: silentLogger, deadLetters: lettersSink() });
    job.source(numbers(2)).sink(checkedSink(), { name: "dead-letters" });
    await expect(job.run()).rejects.toThrow(/"dead-letters" names the job's dead-letter sink/);
  });
});
