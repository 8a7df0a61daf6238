import { describe, expect, test } from "vitest";
import type { Sink, SinkContext } from "../runtime/sink.ts";
import type { ContractCase } from "./contract-case.ts";
import { ContractViolation } from "./contract-case.ts";
import { type SinkContractOptions, sinkContract } from "./sink-contract.ts";

interface Row {
  readonly id: number;
  readonly bad?: boolean;
}

/** How a scripted sink misbehaves, if it does. */
interface Flaws {
  /** Records show as soon as they are written (no two-phase commit). */
  readonly visibleAtWrite?: boolean;
  /** A restored sink does not commit the checkpoint it was restored from. */
  readonly noCommitOnRestore?: boolean;
  /** A restored sink also commits what it staged after the checkpoint (a leftover transaction). */
  readonly commitsLeftovers?: boolean;
  /** `snapshot` returns a function, which no serializer stores. */
  readonly functionState?: boolean;
  /** A bad record fails the write / is dropped without a dead letter. */
  readonly badRecord?: "throws" | "dropped";
  /** Writes a record it was not given besides the others (a half-written retry, say). */
  readonly writesGarbage?: boolean;
  /** At-least-once, but the barrier does not flush what is buffered. */
  readonly noFlushAtBarrier?: boolean;
  /** Runs on several workers, but an instance opened again keeps what the run before staged. */
  readonly keepsRunAcrossOpens?: boolean;
}

/**
 * An in-memory "table" (`visible`) written by a scripted sink: exactly-once keeps writes staged
 * per checkpoint until it completes (the state holds what is pending); at-least-once buffers and
 * flushes at every barrier.
 */
function table(guarantee: "exactly-once" | "at-least-once", flaws: Flaws = {}) {
  const visible: Row[] = [];
  /** Checkpoints whose rows the "service" made visible: committing one again changes nothing. */
  const committed = new Set<number>();
  const commit = (checkpointId: number, rows: readonly Row[]) => {
    if (committed.has(checkpointId)) return;
    committed.add(checkpointId);
    visible.push(...rows);
  };
  /** What a crashed sink staged, as a transaction left behind on the "service". */
  const leftovers: Row[] = [];
  const sink = (): Sink<Row> => {
    let context: SinkContext;
    let staged: Row[] = [];
    let pending: [number, Row[]][] = [];
    return {
      name: "table",
      severalWriters: true,
      open(c) {
        context = c;
        if (!flaws.keepsRunAcrossOpens) staged = [];
        pending = [
          ...(flaws.keepsRunAcrossOpens ? pending : []),
          ...((c.restoredState as [number, Row[]][] | undefined) ?? []),
        ];
        if (guarantee === "exactly-once" && !flaws.noCommitOnRestore) {
          for (const [id, rows] of pending) commit(id, rows);
          pending = [];
        }
        if (flaws.commitsLeftovers) visible.push(...leftovers.splice(0));
        leftovers.length = 0;
      },
      write(values) {
        for (const row of values) {
          if (row.bad) {
            if (flaws.badRecord === "throws") throw new Error(`row ${row.id} refused`);
            if (flaws.badRecord !== "dropped") {
              context.deadLetters.send({
                origin: "table",
                reason: "rejected",
                error: "bad row",
                value: row,
                timestamp: 0,
              });
            }
            continue;
          }
          const rows = flaws.writesGarbage && row.id === 3 ? [row, { id: -3 }] : [row];
          if (flaws.visibleAtWrite) visible.push(...rows);
          else staged.push(...rows);
        }
      },
      snapshot(checkpointId) {
        if (guarantee === "at-least-once") {
          if (!flaws.noFlushAtBarrier) visible.push(...staged.splice(0));
          return flaws.functionState ? () => {} : undefined;
        }
        pending.push([checkpointId, staged]);
        staged = [];
        return flaws.functionState ? () => pending : pending;
      },
      notifyCheckpointComplete(checkpointId) {
        for (const [id, rows] of pending) if (id <= checkpointId) commit(id, rows);
        pending = pending.filter(([id]) => id > checkpointId);
      },
      finish() {
        for (const [id, rows] of pending) commit(id, rows);
        visible.push(...staged);
        pending = [];
        staged = [];
      },
      close() {
        leftovers.push(...staged, ...pending.flatMap(([, rows]) => rows));
        staged = [];
      },
    };
  };
  return { sink, readBack: () => [...visible] };
}

function contract(
  guarantee: "exactly-once" | "at-least-once",
  flaws?: Flaws,
  more: Partial<SinkContractOptions<Row>> = {},
) {
  return sinkContract<Row>({
    guarantee,
    destination: () => table(guarantee, flaws),
    record: (i) => ({ id: i }),
    visibleWithinMs: 100,
    ...more,
  });
}

function named(cases: ContractCase[], pattern: RegExp): ContractCase {
  const found = cases.find((c) => pattern.test(c.name));
  if (!found) throw new Error(`no case matches ${pattern}`);
  return found;
}

async function violationOf(c: ContractCase): Promise<string> {
  const error = await c.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractViolation);
  return (error as Error).message;
}

describe("sinkContract passes sinks that keep the contract", () => {
  for (const guarantee of ["exactly-once", "at-least-once"] as const) {
    describe(guarantee, () => {
      const cases = contract(guarantee, {}, { badRecord: { id: -1, bad: true } });
      test("eight cases", () => expect(cases).toHaveLength(8));
      for (const c of cases) test(c.name, c.run);
    });
  }
});

describe("sinkContract fails sinks that break it, saying how", () => {
  test("exactly-once, but records show before their checkpoint completes", async () => {
    const cases = contract("exactly-once", { visibleAtWrite: true });
    expect(await violationOf(named(cases, /runtime's order/))).toMatch(
      /after snapshot\(1\), before checkpoint 1 completed, 10 uncommitted records show/,
    );
  });

  test("exactly-once, but a restore does not commit the checkpoint it restores", async () => {
    const cases = contract("exactly-once", { noCommitOnRestore: true });
    expect(await violationOf(named(cases, /stored but not notified/))).toMatch(
      /after open restored from checkpoint 1, never notified, 10 of the 10 records that should show did not within 100 ms/,
    );
  });

  test("exactly-once, but what a crashed run staged shows after the restore too", async () => {
    const cases = contract("exactly-once", { commitsLeftovers: true });
    expect(await violationOf(named(cases, /never completed/))).toMatch(
      /after open restored from checkpoint 1, the destination shows records it should not \(exactly-once\): 15 more than expected: \[ \{ id: 20 \}/,
    );
  });

  test("exactly-once on several writers, but an instance opened again keeps what its run before staged", async () => {
    const cases = contract("exactly-once", { keepsRunAcrossOpens: true });
    expect(await violationOf(named(cases, /same instance opened again/))).toMatch(
      /after the instance was opened again with checkpoint 1's state, the destination shows records it should not \(exactly-once\)/,
    );
  });

  test("at-least-once, but a barrier leaves records buffered", async () => {
    const cases = contract("at-least-once", { noFlushAtBarrier: true });
    expect(await violationOf(named(cases, /close without finish/))).toMatch(
      /after close without finish .*, 10 of the 10 records that should show did not/,
    );
  });

  test("a record it was not given", async () => {
    for (const guarantee of ["at-least-once", "exactly-once"] as const) {
      const cases = contract(guarantee, { writesGarbage: true });
      expect(await violationOf(named(cases, /close without finish/))).toMatch(
        guarantee === "exactly-once"
          ? /shows records it should not .*\{ id: -3 \}/
          : /records the sink was not given .*\{ id: -3 \}/,
      );
    }
  });

  test("state the job cannot store", async () => {
    const cases = contract("exactly-once", { functionState: true });
    expect(await violationOf(named(cases, /runtime's order/))).toMatch(
      /snapshot\(1\) returned state the job cannot store/,
    );
  });

  test("a bad record that fails the write, or is dropped without a dead letter", async () => {
    const bad = { badRecord: { id: -1, bad: true } };
    expect(
      await violationOf(named(contract("at-least-once", { badRecord: "throws" }, bad), /deadLetters/)),
    ).toMatch(/table: write of 6 records failed: .*row -1 refused/);
    expect(
      await violationOf(named(contract("at-least-once", { badRecord: "dropped" }, bad), /deadLetters/)),
    ).toMatch(/context.deadLetters got 0 letters, not 1/);
  });
});
