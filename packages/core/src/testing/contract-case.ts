/**
 * One check of a contract kit ({@link sourceContract}, {@link sinkContract},
 * {@link checkpointStoreContract}): a name to show and an async body that throws a
 * {@link ContractViolation} saying what was wrong. The kits import no test framework, so the
 * cases run in any of them: one test per case.
 *
 * @example
 * // vitest or jest (node:test: `import { test } from "node:test"`; mocha: `it` instead of `test`)
 * import { test } from "vitest";
 * const cases = checkpointStoreContract({ open: () => new MemoryCheckpointStore(), corrupt: (store, ref) => store.corruptBlob(ref.key) });
 * for (const check of cases) {
 *   test(check.name, check.run);
 * }
 */
export interface ContractCase {
  /** What the case checks, as a sentence: the test's name. */
  readonly name: string;
  /** Runs the check; rejects with a {@link ContractViolation} (or the implementation's own error). */
  run(): Promise<void>;
}

/**
 * The implementation under test does not keep its contract: the message says which rule, at which
 * step, and what was seen against what was expected.
 *
 * @example
 * const cases = checkpointStoreContract({ open: () => new MemoryCheckpointStore(), corrupt: (s, ref) => s.corruptBlob(ref.key) });
 * try {
 *   for (const check of cases) await check.run();
 * } catch (error) {
 *   if (error instanceof ContractViolation) console.error(error.message);
 * }
 */
export class ContractViolation extends Error {
  /** Always `"ContractViolation"`. */
  override readonly name = "ContractViolation";
}
