import { describe, test } from "vitest";
import { sinkContract } from "../testing/sink-contract.ts";
import { collectSink } from "./collect-sink.ts";

describe("collectSink keeps the Sink contract", () => {
  const cases = sinkContract({
    guarantee: "at-least-once",
    destination: () => {
      const out = collectSink<{ id: number }>();
      return { sink: () => out.sink, readBack: () => out.values() };
    },
    record: (i) => ({ id: i }),
  });
  for (const c of cases) test(c.name, c.run);
});
