import { describe, test } from "vitest";
import { sourceContract } from "../testing/source-contract.ts";
import { fromIterable } from "./from-iterable.ts";

describe("fromIterable keeps the Source contract", () => {
  const values = Array.from({ length: 40 }, (_, i) => ({ id: i, at: 1_000 * i }));
  const source = fromIterable(values, { batchSize: 6, timestampOf: (v) => v.at });
  for (const c of sourceContract({ source, expected: values })) test(c.name, c.run);
});
