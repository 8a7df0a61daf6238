import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "vitest";
import { sinkContract } from "../testing/sink-contract.ts";
import { jsonLinesSink } from "./json-lines-sink.ts";

interface Order {
  readonly id: string;
  readonly amount: number;
}

/** The committed lines, as a reader of the directory sees them (`cat part-*.jsonl`). */
async function committed(directory: string): Promise<Order[]> {
  const parts = (await readdir(directory)).filter((f) => f.startsWith("part-")).sort();
  const lines: Order[] = [];
  for (const part of parts) {
    for (const line of (await readFile(join(directory, part), "utf8")).split("\n")) {
      if (line !== "") lines.push(JSON.parse(line) as Order);
    }
  }
  return lines;
}

describe("jsonLinesSink keeps the Sink contract", () => {
  const cases = sinkContract<Order>({
    guarantee: "exactly-once",
    destination: async () => {
      const directory = await mkdtemp(join(tmpdir(), "eddy-json-lines-sink-contract-"));
      return {
        sink: () => jsonLinesSink<Order>(directory),
        readBack: () => committed(directory),
        remove: () => rm(directory, { recursive: true, force: true }),
      };
    },
    record: (i) => ({ id: `o${i}`, amount: i * 10 }),
  });
  for (const c of cases) test(c.name, c.run);
});
