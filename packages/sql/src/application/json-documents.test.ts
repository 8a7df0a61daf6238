import { describe, expect, it } from "vitest";
import { splitJsonDocuments } from "./json-documents.ts";

describe("splitJsonDocuments", () => {
  it("gives one document, several concatenated or separated by whitespace, or none", () => {
    expect(splitJsonDocuments('{"a":1}')).toEqual([{ a: 1 }]);
    expect(splitJsonDocuments('{"a":1}{"a":2}')).toEqual([{ a: 1 }, { a: 2 }]);
    expect(splitJsonDocuments('{"a":"}{"}\n\n [1, [2]]\r\n{"b":"\\"{"} 7 "x"')).toEqual([
      { a: "}{" },
      [1, [2]],
      { b: '"{' },
      7,
      "x",
    ]);
    expect(splitJsonDocuments(" \n ")).toEqual([]);
  });

  it("names the document that does not parse", () => {
    expect(() => splitJsonDocuments('{"a":1}\n{"a":}')).toThrow(/^JSON document 2 \(at character 9\): /);
    expect(() => splitJsonDocuments("{oops")).toThrow(/^JSON document 1 \(at character 1\): /);
  });
});
