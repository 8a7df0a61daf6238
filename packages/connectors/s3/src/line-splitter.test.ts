import { describe, expect, test } from "vitest";
import { LineSplitter } from "./line-splitter.ts";

const drain = (s: LineSplitter) => {
  const out: [string, number][] = [];
  for (let line = s.next(); line; line = s.next()) out.push([line.text, line.end]);
  return out;
};

describe("LineSplitter", () => {
  test("lines across chunk boundaries, with the byte offset after each", () => {
    const s = new LineSplitter();
    s.push(Buffer.from('{"a":1}\n{"b"'));
    expect(drain(s)).toEqual([['{"a":1}', 8]]);
    s.push(Buffer.from(":2}\r\nü\n"));
    expect(drain(s)).toEqual([
      ['{"b":2}', 17],
      ["ü", 20],
    ]);
    expect(s.finish()).toBeUndefined();
  });

  test("a last line without newline comes from finish", () => {
    const s = new LineSplitter();
    s.push(Buffer.from("x\ny"));
    expect(drain(s)).toEqual([["x", 2]]);
    expect(s.finish()).toEqual({ text: "y", end: 3 });
  });

  test("starts at an offset, or skips to it (resuming inside a stream read from its start)", () => {
    const ranged = new LineSplitter(100);
    ranged.push(Buffer.from("c\n"));
    expect(drain(ranged)).toEqual([["c", 102]]);
    const skipping = new LineSplitter(0, 4);
    skipping.push(Buffer.from("a\nb"));
    skipping.push(Buffer.from("\nc\n"));
    expect(drain(skipping)).toEqual([["c", 6]]);
  });
});
