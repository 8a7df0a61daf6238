import { mkdtemp, readdir, readFile, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { Sink, SinkContext } from "../runtime/sink.ts";
import { sinkContext } from "../testing/connector-contexts.ts";
import { jsonLinesSink, type PendingPart } from "./json-lines-sink.ts";

let dir: string;
beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "eddy-jsonl-sink-")), "out");
});
afterEach(async () => {
  await rm(join(dir, ".."), { recursive: true, force: true });
});

const fresh: SinkContext = sinkContext();
const restoring = (checkpointId: number, state: unknown): SinkContext =>
  sinkContext({ restoredState: state, restoredCheckpointId: checkpointId });

/** The committed output as a reader sees it: committed parts in name order, line by line. */
async function committed(): Promise<unknown[]> {
  const parts = (await readdir(dir)).filter((f) => f.startsWith("part-")).sort();
  const lines: unknown[] = [];
  for (const part of parts) {
    const text = await readFile(join(dir, part), "utf8");
    for (const line of text.split("\n")) if (line !== "") lines.push(JSON.parse(line));
  }
  return lines;
}

const files = async () => (await readdir(dir)).sort();
const inProgress = async () => (await files()).filter((f) => f.endsWith(".inprogress"));

async function opened<T>(context: SinkContext = fresh): Promise<Sink<T>> {
  const sink = jsonLinesSink<T>(dir);
  await sink.open?.(context);
  return sink;
}

describe("jsonLinesSink", () => {
  test("a bounded job without checkpoints commits everything at the end", async () => {
    const sink = await opened<{ n: number }>();
    await sink.write([{ n: 1 }, { n: 2 }], [0, 0]);
    await sink.write([{ n: 3 }], [0]);
    expect(await committed()).toEqual([]);
    await sink.finish?.();
    await sink.close?.();
    expect(await files()).toEqual(["part-0000000000000000-final.jsonl"]);
    expect(await committed()).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
  });

  test("lines become visible when their checkpoint completes, in order", async () => {
    const sink = await opened<string>();
    await sink.write(["a"], [0]);
    const state1 = (await sink.snapshot?.(1)) as PendingPart[];
    expect(state1).toHaveLength(1);
    expect(state1[0]).toMatchObject({ checkpointId: 1, committed: "part-0000000000000001-checkpoint.jsonl" });
    await sink.write(["b"], [0]);
    expect(await committed()).toEqual([]);
    await sink.notifyCheckpointComplete?.(1);
    expect(await committed()).toEqual(["a"]);
    await sink.snapshot?.(2);
    await sink.write(["c"], [0]);
    await sink.finish?.();
    await sink.notifyCheckpointComplete?.(2);
    await sink.close?.();
    expect(await committed()).toEqual(["a", "b", "c"]);
    expect(await files()).toEqual([
      "part-0000000000000001-checkpoint.jsonl",
      "part-0000000000000002-checkpoint.jsonl",
      "part-0000000000000002-final.jsonl",
    ]);
  });

  test("a checkpoint without new lines adds no file; a later completion commits earlier pending parts", async () => {
    const sink = await opened<number>();
    expect(await sink.snapshot?.(1)).toEqual([]);
    await sink.write([1], [0]);
    await sink.snapshot?.(2);
    await sink.write([2], [0]);
    const state3 = (await sink.snapshot?.(3)) as PendingPart[];
    expect(state3.map((p) => p.checkpointId)).toEqual([2, 3]);
    // Checkpoint 2 never completed; 3 did and covers 2's part too.
    await sink.notifyCheckpointComplete?.(3);
    expect(await committed()).toEqual([1, 2]);
    expect(await inProgress()).toEqual([]);
    await sink.close?.();
  });

  test("the state is plain data and does not change when the sink goes on", async () => {
    const sink = await opened<number>();
    await sink.write([1], [0]);
    const state = await sink.snapshot?.(1);
    const copy = structuredClone(state);
    await sink.write([2], [0]);
    await sink.snapshot?.(2);
    await sink.notifyCheckpointComplete?.(2);
    expect(state).toEqual(copy);
    await sink.close?.();
  });

  describe("recovery", () => {
    test("a crash before a checkpoint completes: in-progress parts are deleted, the replay writes them", async () => {
      const first = await opened<string>();
      await first.write(["a"], [0]);
      await first.snapshot?.(1);
      await first.write(["b"], [0]);
      await first.close?.();
      expect(await inProgress()).toHaveLength(2);

      const second = await opened<string>(fresh);
      expect(await inProgress()).toEqual([]);
      await second.write(["a", "b"], [0, 0]);
      await second.finish?.();
      expect(await committed()).toEqual(["a", "b"]);
    });

    test("a crash after a checkpoint completed but before the sink heard of it: open commits it", async () => {
      const first = await opened<string>();
      await first.write(["a"], [0]);
      const state = await first.snapshot?.(1);
      await first.write(["b"], [0]);
      await first.close?.();

      const second = await opened<string>(restoring(1, state));
      expect(await committed()).toEqual(["a"]);
      expect(await inProgress()).toEqual([]);
      await second.write(["b"], [0]);
      await second.finish?.();
      expect(await committed()).toEqual(["a", "b"]);
    });

    test("a crash halfway through a commit: open finishes it without duplicating", async () => {
      const first = await opened<string>();
      await first.write(["a"], [0]);
      await first.snapshot?.(1);
      await first.write(["b"], [0]);
      const state = (await first.snapshot?.(2)) as PendingPart[];
      await first.close?.();
      // notifyCheckpointComplete(2) renamed the first part, then the process died.
      const [part1] = state;
      await rename(join(dir, part1!.inProgress), join(dir, part1!.committed));

      await opened<string>(restoring(2, state));
      expect(await committed()).toEqual(["a", "b"]);
      expect(await inProgress()).toEqual([]);
    });

    test("a crash after the commit: restoring the same checkpoint again changes nothing", async () => {
      const first = await opened<string>();
      await first.write(["a"], [0]);
      const state = await first.snapshot?.(1);
      await first.notifyCheckpointComplete?.(1);
      await first.close?.();

      await opened<string>(restoring(1, state));
      await opened<string>(restoring(1, state));
      expect(await committed()).toEqual(["a"]);
    });

    test("restoring an older checkpoint rolls the directory back to it", async () => {
      const first = await opened<string>();
      await first.write(["a"], [0]);
      const state1 = await first.snapshot?.(1);
      await first.notifyCheckpointComplete?.(1);
      await first.write(["b"], [0]);
      await first.snapshot?.(2);
      await first.notifyCheckpointComplete?.(2);
      await first.write(["c"], [0]);
      await first.finish?.();
      expect(await committed()).toEqual(["a", "b", "c"]);

      const second = await opened<string>(restoring(1, state1));
      expect(await committed()).toEqual(["a"]);
      await second.write(["b", "c"], [0, 0]);
      await second.finish?.();
      expect(await committed()).toEqual(["a", "b", "c"]);
    });

    test("a pending part that is neither in progress nor committed is reported as lost", async () => {
      const first = await opened<string>();
      await first.write(["a"], [0]);
      const state = (await first.snapshot?.(1)) as PendingPart[];
      await first.close?.();
      await rm(join(dir, state[0]!.inProgress));
      await expect(opened<string>(restoring(1, state))).rejects.toThrow(/neither in progress nor committed/);
    });

    test("a restored state that is not a list of parts is refused", async () => {
      await expect(opened<string>(restoring(1, { pending: 3 }))).rejects.toThrow(
        /not a list of pending parts/,
      );
    });

    /**
     * Every crash point of one scripted run: the restarted sink restores the last completed
     * checkpoint and the records after its barrier are replayed. The output must be each record
     * exactly once, in order.
     */
    test("at every crash point, recovery neither loses nor repeats a line", async () => {
      type Step =
        | { op: "write"; values: number[] }
        | { op: "snapshot"; id: number }
        | { op: "complete"; id: number }
        | { op: "notify"; id: number }
        | { op: "finish" };
      const script: Step[] = [
        { op: "write", values: [0, 1] },
        { op: "write", values: [2] },
        { op: "snapshot", id: 1 },
        { op: "write", values: [3] },
        { op: "complete", id: 1 },
        { op: "notify", id: 1 },
        { op: "write", values: [4, 5] },
        { op: "snapshot", id: 2 },
        { op: "write", values: [6] },
        { op: "snapshot", id: 3 },
        { op: "complete", id: 3 },
        { op: "write", values: [7] },
        { op: "notify", id: 3 },
        { op: "write", values: [8, 9] },
        { op: "finish" },
      ];
      const all = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
      for (let crashAfter = 0; crashAfter <= script.length; crashAfter++) {
        await rm(dir, { recursive: true, force: true });
        const first = await opened<number>();
        let written = 0;
        const positions = new Map<number, number>();
        const states = new Map<number, unknown>();
        let latest: { id: number; state: unknown; position: number } | undefined;
        for (const step of script.slice(0, crashAfter)) {
          if (step.op === "write") {
            await first.write(
              step.values,
              step.values.map(() => 0),
            );
            written += step.values.length;
          } else if (step.op === "snapshot") {
            states.set(step.id, await first.snapshot?.(step.id));
            positions.set(step.id, written);
          } else if (step.op === "complete") {
            latest = { id: step.id, state: states.get(step.id), position: positions.get(step.id)! };
          } else if (step.op === "notify") {
            await first.notifyCheckpointComplete?.(step.id);
          } else {
            await first.finish?.();
          }
        }
        await first.close?.();

        const second = await opened<number>(latest ? restoring(latest.id, latest.state) : fresh);
        // The replay takes a checkpoint of its own before it ends, so its parts are named
        // differently from the first run's.
        const replay = all.slice(latest?.position ?? 0);
        const half = Math.ceil(replay.length / 2);
        await second.write(
          replay.slice(0, half),
          replay.slice(0, half).map(() => 0),
        );
        await second.snapshot?.(10);
        await second.notifyCheckpointComplete?.(10);
        await second.write(
          replay.slice(half),
          replay.slice(half).map(() => 0),
        );
        await second.finish?.();
        await second.close?.();
        expect({ crashAfter, output: await committed() }).toEqual({ crashAfter, output: all });
        expect(await inProgress()).toEqual([]);
      }
    });
  });

  test("a fresh start refuses a directory with committed output, unless told to overwrite", async () => {
    const first = await opened<string>();
    await first.write(["old"], [0]);
    await first.finish?.();
    await expect(opened<string>(fresh)).rejects.toThrow(/committed by an earlier run.*overwrite: true/);
    const replacing = jsonLinesSink<string>(dir, { overwrite: true });
    await replacing.open?.(fresh);
    await replacing.write(["new"], [0]);
    await replacing.finish?.();
    expect(await committed()).toEqual(["new"]);
  });

  test("a value JSON cannot represent fails the write", async () => {
    const sink = await opened<unknown>();
    await expect(sink.write([undefined], [0])).rejects.toThrow(/cannot write undefined as JSON/);
    await sink.close?.();
  });
});
