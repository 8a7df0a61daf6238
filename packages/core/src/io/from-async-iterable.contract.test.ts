import { describe, test } from "vitest";
import { sourceContract } from "../testing/source-contract.ts";
import { fromAsyncIterable } from "./from-async-iterable.ts";

/** A replayable iterable that yields one value per event-loop turn, so batches stay small. */
async function* slowly(count: number) {
  for (let i = 0; i < count; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    yield { id: i };
  }
}

describe("fromAsyncIterable keeps the Source contract", () => {
  const source = fromAsyncIterable({ [Symbol.asyncIterator]: () => slowly(30) }, { batchSize: 4 });
  const expected = Array.from({ length: 30 }, (_, i) => ({ id: i }));
  for (const c of sourceContract({ source, expected })) test(c.name, c.run);
});
