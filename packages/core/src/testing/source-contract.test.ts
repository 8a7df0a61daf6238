import { describe, expect, test } from "vitest";
import type { Source, SourceEvent } from "../runtime/source.ts";
import type { ContractCase } from "./contract-case.ts";
import { ContractViolation } from "./contract-case.ts";
import { sourceContract } from "./source-contract.ts";

/** How a scripted source misbehaves, if it does. */
interface Flaws {
  /** Reports the position of a batch's last record instead of the one after it. */
  readonly positionOfLastRecord?: boolean;
  /** A restored reader skips the record at its position. */
  readonly skipsOnRestore?: boolean;
  /** `next()` after an abort rejects (or, with "hang", never settles). */
  readonly onAbort?: "reject" | "hang";
  /** The second `close()` throws. */
  readonly closeOnce?: boolean;
  /** Positions are bigints, which JSON cannot hold. */
  readonly bigintPositions?: boolean;
  /** Sends one more batch from split "0" after it finished. */
  readonly afterFinished?: boolean;
}

/**
 * Two splits ("a" and "b") of `perSplit` records each, three per batch, alternating. Bounded: each
 * split finishes after its records. Unbounded: once read, `next()` waits for data until aborted.
 */
function scripted(options: { bounded: boolean; perSplit: number; flaws?: Flaws }): Source<string> {
  const flaws = options.flaws ?? {};
  return {
    name: "scripted",
    bounded: options.bounded,
    open(context) {
      const next = new Map<string, number>();
      for (const split of ["a", "b"]) {
        const restored = context.restoredPositions.get(split);
        const at = restored === undefined ? 0 : Number(restored);
        next.set(split, at + (restored !== undefined && flaws.skipsOnRestore ? 1 : 0));
      }
      const finished = new Set<string>();
      let turn = 0;
      let closed = false;
      return {
        async next(): Promise<SourceEvent<string> | undefined> {
          if (context.signal.aborted) {
            if (flaws.onAbort === "reject") throw new Error("aborted");
            if (flaws.onAbort === "hang") return new Promise(() => {});
            return undefined;
          }
          for (let tries = 0; tries < 2; tries++) {
            const split = ["a", "b"][turn++ % 2]!;
            const from = next.get(split)!;
            if (from < options.perSplit) {
              const to = Math.min(options.perSplit, from + 3);
              next.set(split, to);
              const values = Array.from({ length: to - from }, (_, i) => `${split}${from + i}`);
              const end = flaws.positionOfLastRecord ? to - 1 : to;
              return { kind: "data", split, values, position: flaws.bigintPositions ? BigInt(end) : end };
            }
            if (options.bounded && !finished.has(split)) {
              finished.add(split);
              return { kind: "split-status", split, status: "finished" };
            }
            if (flaws.afterFinished && split === "a" && finished.has("a") && !finished.has("again")) {
              finished.add("again");
              return { kind: "data", split, values: [], position: options.perSplit };
            }
          }
          if (options.bounded) return undefined;
          return new Promise((resolve, reject) => {
            const onAbort = () =>
              flaws.onAbort === "reject" ? reject(new Error("aborted")) : resolve(undefined);
            if (flaws.onAbort !== "hang") context.signal.addEventListener("abort", onAbort, { once: true });
          });
        },
        close() {
          if (closed && flaws.closeOnce) throw new Error("closed already");
          closed = true;
        },
      };
    },
  };
}

const records = (perSplit: number) =>
  ["a", "b"].flatMap((split) => Array.from({ length: perSplit }, (_, i) => `${split}${i}`));

function named(cases: ContractCase[], pattern: RegExp): ContractCase {
  const found = cases.find((c) => pattern.test(c.name));
  if (!found) throw new Error(`no case matches ${pattern}`);
  return found;
}

async function violationOf(run: () => Promise<void>): Promise<string> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractViolation);
  return (error as Error).message;
}

describe("sourceContract passes sources that keep the contract", () => {
  for (const bounded of [true, false]) {
    describe(bounded ? "bounded" : "unbounded", () => {
      const cases = sourceContract({
        source: scripted({ bounded, perSplit: 10 }),
        expected: records(10),
        quietMs: 50,
      });
      test("five cases", () => expect(cases.map((c) => c.name)).toHaveLength(5));
      for (const c of cases) test(c.name, c.run);
    });
  }
});

describe("sourceContract fails sources that break it, saying how", () => {
  const options = { expected: records(10), readTimeoutMs: 300, quietMs: 50 };

  test("a position at the last record of its batch, not after it: that record comes twice", async () => {
    const cases = sourceContract({
      ...options,
      source: scripted({ bounded: true, perSplit: 10, flaws: { positionOfLastRecord: true } }),
    });
    expect(await violationOf(named(cases, /positions resume/).run)).toMatch(
      /split "a".*record 3 is 'a2' where 'a3' was expected/,
    );
  });

  test("a restore that skips a record", async () => {
    const cases = sourceContract({
      ...options,
      source: scripted({ bounded: false, perSplit: 10, flaws: { skipsOnRestore: true } }),
    });
    expect(await violationOf(named(cases, /positions resume/).run)).toMatch(
      /record 3 is 'a4' where 'a3' was expected/,
    );
    expect(await violationOf(named(cases, /stopped part-way/).run)).toMatch(/where 'a\d' was expected/);
  });

  test("other records than expected", async () => {
    const cases = sourceContract({
      ...options,
      expected: records(9),
      source: scripted({ bounded: true, perSplit: 10 }),
    });
    expect(await violationOf(named(cases, /every record once/).run)).toMatch(
      /2 more than expected: \[ 'a9', 'b9' \]/,
    );
  });

  test("records after the expected ones from an unbounded source", async () => {
    // The first 19 records: all but b9, which comes after them.
    const expected = records(10).filter((r) => r !== "b9");
    const cases = sourceContract({
      ...options,
      expected,
      source: scripted({ bounded: false, perSplit: 10 }),
    });
    expect(await violationOf(named(cases, /every record once/).run)).toMatch(
      /read .*'b9'.* after the 19 expected records/,
    );
  });

  test("a next() that rejects after the abort", async () => {
    const cases = sourceContract({
      ...options,
      source: scripted({ bounded: false, perSplit: 10, flaws: { onAbort: "reject" } }),
    });
    expect(await violationOf(named(cases, /signal is aborted/).run)).toMatch(
      /rejected \(it should resolve undefined\)/,
    );
  });

  test("a next() that never settles after the abort", async () => {
    const cases = sourceContract({
      ...options,
      source: scripted({ bounded: false, perSplit: 10, flaws: { onAbort: "hang" } }),
    });
    expect(await violationOf(named(cases, /signal is aborted/).run)).toMatch(/did not settle within 300 ms/);
  });

  test("a close that throws the second time", async () => {
    const cases = sourceContract({
      ...options,
      source: scripted({ bounded: true, perSplit: 10, flaws: { closeOnce: true } }),
    });
    await expect(named(cases, /close can be called twice/).run()).rejects.toThrow("closed already");
  });

  test("positions JSON cannot hold", async () => {
    const cases = sourceContract({
      ...options,
      source: scripted({ bounded: true, perSplit: 10, flaws: { bigintPositions: true } }),
    });
    await expect(named(cases, /every record once/).run()).rejects.toThrow(/position 3n/);
  });

  test("a batch from a split after it finished", async () => {
    const cases = sourceContract({
      ...options,
      source: scripted({ bounded: true, perSplit: 10, flaws: { afterFinished: true } }),
    });
    expect(await violationOf(named(cases, /every record once/).run)).toMatch(
      /comes from split "a" after it finished/,
    );
  });

  test("a source made when a case runs (on a server started later) is checked then", async () => {
    let made = 0;
    const source = () => {
      made++;
      return scripted({ bounded: false, perSplit: 1 });
    };
    const cases = sourceContract({ source });
    expect(made).toBe(0);
    await expect(cases[0]!.run()).rejects.toThrow(/needs `expected`/);
    expect(made).toBe(1);
  });

  test("an unbounded source without the records to expect is refused at once", () => {
    expect(() => sourceContract({ source: scripted({ bounded: false, perSplit: 1 }) })).toThrow(
      /needs `expected`/,
    );
  });
});
