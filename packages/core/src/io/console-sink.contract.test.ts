import { Writable } from "node:stream";
import { describe, test } from "vitest";
import { sinkContract } from "../testing/sink-contract.ts";
import { consoleSink } from "./console-sink.ts";

/** A terminal that keeps what was printed. */
function terminal(): { output: Writable; lines(): string[] } {
  let text = "";
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { output, lines: () => text.split("\n").filter((line) => line !== "") };
}

describe("consoleSink keeps the Sink contract", () => {
  const cases = sinkContract({
    guarantee: "at-least-once",
    destination: () => {
      const { output, lines } = terminal();
      return {
        sink: () => consoleSink<{ id: number; page: string }>({ output }),
        readBack: () => lines().map((line) => JSON.parse(line) as { id: number; page: string }),
      };
    },
    record: (i) => ({ id: i, page: `/p/${i % 3}` }),
  });
  for (const c of cases) test(c.name, c.run);
});
