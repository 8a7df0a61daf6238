import { describe, test } from "vitest";
import { sourceContract } from "../testing/source-contract.ts";
import { generatorSource } from "./generator-source.ts";

// An endless generator never runs dry, so the kit reads bounded ones: `count` records.
describe("generatorSource keeps the Source contract", () => {
  const expected = Array.from({ length: 45 }, (_, i) => `record ${i}`);
  describe("as fast as it is read", () => {
    const source = generatorSource({ generate: (i) => `record ${i}`, count: 45, batchSize: 8 });
    for (const c of sourceContract({ source, expected })) test(c.name, c.run);
  });

  describe("paced on the clock", () => {
    const source = generatorSource({
      generate: (i) => `record ${i}`,
      count: 45,
      ratePerSecond: 3_000,
      batchSize: 8,
    });
    for (const c of sourceContract({ source, expected })) test(c.name, c.run);
  });
});
