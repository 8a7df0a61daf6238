import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { PipelineDefinitionError } from "../runtime/errors.ts";
import type { SourceBatch, SourceContext, SourceReader } from "../runtime/source.ts";
import { sourceContext } from "../testing/connector-contexts.ts";
import { type JsonLinesPosition, jsonLinesSource } from "./json-lines-source.ts";

function contextOf(
  restored: Record<string, unknown> = {},
  signal = new AbortController().signal,
): SourceContext {
  return sourceContext({ restoredPositions: new Map(Object.entries(restored)), signal });
}

async function drain<T>(reader: SourceReader<T>): Promise<SourceBatch<T>[]> {
  const batches: SourceBatch<T>[] = [];
  for (;;) {
    const event = await reader.next();
    if (event === undefined) break;
    if (event.kind !== "data") throw new Error(`unexpected ${event.kind}`);
    batches.push(event);
  }
  await reader.close?.();
  return batches;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "eddy-jsonl-source-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function fileWith(content: string): Promise<string> {
  const path = join(dir, "input.jsonl");
  await writeFile(path, content);
  return path;
}

describe("jsonLinesSource", () => {
  test("reads one record per line; the position is the byte offset after the line and its number", async () => {
    // Multi-byte characters make byte offsets differ from string offsets; CRLF, blank lines and a
    // missing final newline are all handled.
    const lines = ['{"city":"Zürich"}', "", '{"city":"東京"}\r', "  ", '"🙂"'];
    const content = lines.join("\n");
    const path = await fileWith(content);
    const batches = await drain(await jsonLinesSource(path, { batchSize: 1 }).open(contextOf()));
    expect(batches.map((b) => b.values)).toEqual([[{ city: "Zürich" }], [{ city: "東京" }], ["🙂"]]);
    const offsetAfter = (line: number) => Buffer.byteLength(lines.slice(0, line).join("\n")) + 1;
    expect(batches.map((b) => b.position)).toEqual([
      { offset: offsetAfter(1), line: 1 },
      { offset: offsetAfter(3), line: 3 },
      { offset: Buffer.byteLength(content), line: 5 },
    ]);
  });

  test("a restore seeks to the position and keeps counting lines from there", async () => {
    const path = await fileWith('{"n":1}\n{"n":2}\n{"n":3}\nnot json\n');
    const first = await drain(
      await jsonLinesSource(path, { batchSize: 2, onInvalidLine: () => {} }).open(contextOf()),
    );
    const afterTwo = first[0]!.position as JsonLinesPosition;
    expect(afterTwo).toEqual({ offset: 16, line: 2 });

    const invalid: number[] = [];
    const source = jsonLinesSource(path, { onInvalidLine: (_line, _error, n) => invalid.push(n) });
    const rest = await drain(await source.open(contextOf({ "0": afterTwo })));
    expect(rest.flatMap((b) => b.values)).toEqual([{ n: 3 }]);
    expect(invalid).toEqual([4]);
  });

  test("reads lines across read chunks, in batches", async () => {
    const records = Array.from({ length: 6000 }, (_, i) => ({ i, pad: "x".repeat(i % 50) }));
    const path = await fileWith(records.map((r) => JSON.stringify(r)).join("\n") + "\n");
    const batches = await drain(await jsonLinesSource(path).open(contextOf()));
    expect(batches.map((b) => b.values.length)).toEqual([1000, 1000, 1000, 1000, 1000, 1000]);
    expect(batches.flatMap((b) => b.values)).toEqual(records);
  });

  test("an invalid line fails the read by default, naming the file and line", async () => {
    const path = await fileWith('{"ok":true}\n\n{broken\n');
    const reader = await jsonLinesSource(path).open(contextOf());
    await expect(reader.next()).rejects.toThrow(`jsonLinesSource(${path}): line 3 is not a valid record`);
    await reader.close?.();
  });

  test("with a hook, invalid lines go to it and reading goes on", async () => {
    const path = await fileWith('{"ok":1}\n[1,\n{"ok":2}\n');
    const dead: [string, string, number][] = [];
    const source = jsonLinesSource(path, { onInvalidLine: (line, error, n) => dead.push([line, error, n]) });
    const batches = await drain(await source.open(contextOf()));
    expect(batches.flatMap((b) => b.values)).toEqual([{ ok: 1 }, { ok: 2 }]);
    expect(dead).toHaveLength(1);
    expect(dead[0]?.[0]).toBe("[1,");
    expect(dead[0]?.[2]).toBe(2);
    expect(dead[0]?.[1]).toMatch(/JSON/);
  });

  test("decode checks and converts each record; a throw makes the line invalid", async () => {
    const path = await fileWith('{"amount":3}\n{"amount":"x"}\n');
    const dead: string[] = [];
    const source = jsonLinesSource(path, {
      decode: (json) => {
        const amount = (json as { amount?: unknown }).amount;
        if (typeof amount !== "number") throw new Error("amount is not a number");
        return { amount };
      },
      onInvalidLine: (_line, error, n) => dead.push(`${n}: ${error}`),
    });
    const batches = await drain(await source.open(contextOf()));
    expect(batches.flatMap((b) => b.values)).toEqual([{ amount: 3 }]);
    expect(dead).toEqual(["2: amount is not a number"]);
  });

  test("invalid lines at the end still move the position, so a restore does not report them again", async () => {
    const path = await fileWith('{"a":1}\nnope\nnope\n');
    const source = jsonLinesSource(path, { batchSize: 1, onInvalidLine: () => {} });
    const batches = await drain(await source.open(contextOf()));
    expect(batches.map((b) => [b.values, b.position])).toEqual([
      [[{ a: 1 }], { offset: 8, line: 1 }],
      [[], { offset: 18, line: 3 }],
    ]);
  });

  test("an empty file ends at once", async () => {
    const path = await fileWith("");
    expect(await drain(await jsonLinesSource(path).open(contextOf()))).toEqual([]);
  });

  test("a missing file fails on open, naming it", async () => {
    const missing = join(dir, "missing.jsonl");
    await expect(jsonLinesSource(missing).open(contextOf())).rejects.toThrow(
      `jsonLinesSource(${missing}): cannot open the file`,
    );
  });

  test("options and restored positions are checked", async () => {
    expect(() => jsonLinesSource("x.jsonl", { batchSize: -2 })).toThrow(PipelineDefinitionError);
    const path = await fileWith("1\n");
    await expect(jsonLinesSource(path).open(contextOf({ "0": 12 }))).rejects.toThrow(PipelineDefinitionError);
  });
});
