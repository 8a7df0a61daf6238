import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, test } from "vitest";
import { sourceContract } from "../testing/source-contract.ts";
import { jsonLinesSource } from "./json-lines-source.ts";

const file = join(tmpdir(), `eddy-json-lines-contract-${randomUUID()}.jsonl`);
const expected = Array.from({ length: 35 }, (_, i) => ({ id: `o${i}`, amount: i * 10 }));

beforeAll(async () => {
  // Blank lines, CRLF line ends, invalid lines (the last one too) and no final newline: positions
  // must step over all of them.
  const lines = expected.map((r, i) => JSON.stringify(r) + (i % 7 === 3 ? "\r\n\n{oops\n" : "\n"));
  await writeFile(file, `${lines.join("")}not json`);
});
afterAll(async () => {
  await rm(file, { force: true });
});

describe("jsonLinesSource keeps the Source contract", () => {
  const source = jsonLinesSource<{ id: string; amount: number }>(file, {
    batchSize: 4,
    onInvalidLine: () => {},
  });
  for (const c of sourceContract({ source, expected })) test(c.name, c.run);
});
