import { describe, expect, it } from "vitest";
import { SqlFunctionError } from "../function-contract.ts";
import { compileJavaRegex } from "./java-regex.ts";

function groups(pattern: string, text: string): (string | undefined)[] | null {
  const re = compileJavaRegex(pattern);
  const m = re.whole.exec(text);
  if (m === null) return null;
  return Array.from({ length: re.groupCount + 1 }, (_, i) => re.group(m, i));
}

function finds(pattern: string, text: string): string[] {
  const re = compileJavaRegex(pattern);
  return [...text.matchAll(re.search)].map((m) => m[0]);
}

describe("Java regular expressions", () => {
  it("matches what Java matches for the documented quick reference", () => {
    // https://docs.aws.amazon.com/kinesisanalytics/latest/sqlref/sql-reference-regex-log-parse.html
    expect(groups(".*([E].).*([R].*)", "ENERGY")).toEqual(["ENERGY", "EN", "RGY"]);
    expect(groups(".*([E].).*([R].*)", "HEALTHCARE")).toEqual(["HEALTHCARE", "EA", "RE"]);
    expect(groups(".*([E].).*([R].*)", "TECHNOLOGY")).toBeNull();
    expect(finds("[r-zR-Z]", "aRt")).toEqual(["R", "t"]);
    expect(finds("\\Aab", "abab")).toEqual(["ab"]);
    expect(finds("ab\\z", "abab")).toEqual(["ab"]);
    expect(finds("x{3,}", "xx xxx xxxx")).toEqual(["xxx", "xxxx"]);
    expect(finds("(x|y)\\d", "x1 z2 y3")).toEqual(["x1", "y3"]);
  });

  it("keeps Java's meaning of ., $, \\s and line terminators", () => {
    expect(groups("a.b", "a\u0085b")).toBeNull();
    expect(groups("(?s)a.b", "a\u0085b")).toEqual(["a\u0085b"]);
    expect(finds("a$", "a\n")).toEqual(["a"]);
    expect(finds("\\s", "\u00a0 ")).toEqual([" "]);
    expect(finds("(?m)^x", "x\nx")).toEqual(["x", "x"]);
    expect(finds("\\R", "a\r\nb")).toEqual(["\r\n"]);
    expect(finds("\\h+", "a \t\u00a0b")).toEqual([" \t\u00a0"]);
  });

  it("emulates possessive quantifiers and atomic groups, keeping Java's group numbers", () => {
    expect(groups("a*+a", "aaa")).toBeNull();
    expect(groups("a*a", "aaa")).toEqual(["aaa"]);
    expect(groups("(x)(?>a+)b(y)", "xaaby")).toEqual(["xaaby", "x", "y"]);
    expect(groups("(?>a|ab)c", "abc")).toBeNull();
    expect(groups("((a)++)(b)\\3", "aabb")).toEqual(["aabb", "aa", "a", "b"]);
    expect(groups('"([^"]*+)"', '"quoted"')).toEqual(['"quoted"', "quoted"]);
  });

  it("translates classes, properties, quoting and flags", () => {
    expect(finds("[a-z&&[^aeiou]]+", "strength")).toEqual(["str", "ngth"]);
    expect(finds("[a-c[x-z]]", "abxdz")).toEqual(["a", "b", "x", "z"]);
    expect(finds("[^a-c[x-z]]", "abxdz")).toEqual(["d"]);
    expect(finds("[\\S&&[^b]]", "a b")).toEqual(["a"]);
    expect(finds("[]a]", "]a")).toEqual(["]", "a"]);
    expect(finds("\\p{Alpha}+", "ab1c")).toEqual(["ab", "c"]);
    expect(finds("\\p{javaLowerCase}", "aB")).toEqual(["a"]);
    expect(finds("\\p{IsLatin}\\P{L}", "é1")).toEqual(["é1"]);
    expect(finds("\\p{Lu}", "aBc")).toEqual(["B"]);
    expect(finds("\\Q.*\\E", "a.*b")).toEqual([".*"]);
    expect(finds("(?i)abc", "xABCx")).toEqual(["ABC"]);
    expect(finds("a(?i)b", "aB AB")).toEqual(["aB"]);
    expect(finds("a(?i:b)c", "aBc aBC")).toEqual(["aBc"]);
    expect(finds("(?x) a b # comment", "ab")).toEqual(["ab"]);
    expect(finds("\\x41\\u0042\\0103\\x{44}\\t", "ABCD\t")).toEqual(["ABCD\t"]);
    expect(finds("(?<word>\\w+) \\k<word>", "hey hey")).toEqual(["hey hey"]);
    expect(compileJavaRegex("(?<word>\\w+)").groupNumber("word")).toBe(1);
  });

  it("refuses what it cannot translate and what Java refuses, saying what", () => {
    expect(() => compileJavaRegex("\\Gx")).toThrow(/\\G/);
    expect(() => compileJavaRegex("\\p{InGreek}")).toThrow(/Unicode block/);
    expect(() => compileJavaRegex("(a")).toThrow(SqlFunctionError);
    expect(() => compileJavaRegex("a)")).toThrow(SqlFunctionError);
    expect(() => compileJavaRegex("*a")).toThrow(/dangling/);
    expect(() => compileJavaRegex("a{x}")).toThrow(/repetition/);
    expect(() => compileJavaRegex("\\y")).toThrow(/illegal escape/);
    expect(() => compileJavaRegex("(a)\\2")).toThrow(/group 2/);
    expect(() => compileJavaRegex("[z-a]")).toThrow(/range/);
  });
});
