import { expect } from "vitest";
import { type ContractCase, ContractViolation } from "../contract-case.ts";

/** Runs the case of `cases` whose name matches `pattern`; resolves its ContractViolation's message. */
export async function violationOf(cases: readonly ContractCase[], pattern: RegExp): Promise<string> {
  const found = cases.find((c) => pattern.test(c.name));
  if (!found) throw new Error(`no case matches ${pattern}`);
  const error = await found.run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContractViolation);
  return (error as Error).message;
}
