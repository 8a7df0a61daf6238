import { SqlFunctionError } from "../function-contract.ts";

/**
 * A Java regular expression (java.util.regex.Pattern, the dialect of REGEX_LOG_PARSE,
 * REGEX_REPLACE and SUBSTRING ... FROM) translated once to a JavaScript RegExp with Java's
 * meaning where the two dialects differ:
 * - `.` excludes Java's line terminators (`\n \r \u0085 \u2028 \u2029`), `$` also matches before a
 *   final line terminator, `\s` is ASCII whitespace, `\v` `\h` `\R` are Java's classes;
 * - possessive quantifiers (`a*+`) and atomic groups (`(?>a*)`) become `(?=(a*))\n`, which
 *   matches the same (the added groups are hidden: group numbers stay Java's);
 * - `\Q…\E` quotes, POSIX and java classes (`\p{Alpha}`, `\p{javaLowerCase}`), Unicode
 *   categories and scripts (`\p{Lu}`, `\p{IsLatin}`), class unions and intersections
 *   (`[a-z&&[^aeiou]]`), octal and `\x{…}` escapes;
 * - inline flags `(?imsxd)` anywhere, scoped `(?i:…)` included (case-insensitivity inside a part
 *   of a pattern is emulated for letters).
 * What JavaScript cannot express (`\G`, Unicode blocks `\p{InGreek}`, `\X`, case-insensitive
 * back references in a case-sensitive pattern) is refused with a {@link SqlFunctionError}.
 */
export interface JavaRegex {
  /** The pattern as written in SQL. */
  readonly source: string;
  /** Number of Java capturing groups. */
  readonly groupCount: number;
  /** Finds matches: flags `gu` (+ `i`), used with `lastIndex`. */
  readonly search: RegExp;
  /** Matches the whole input (Java's `Matcher.matches()`). */
  readonly whole: RegExp;
  /** The text of Java group `group` (0 = the whole match) of a match of `search` or `whole`. */
  group(match: RegExpExecArray, group: number): string | undefined;
  /** The Java group number of a named group, if it exists. */
  groupNumber(name: string): number | undefined;
}

interface Flags {
  readonly i: boolean;
  readonly s: boolean;
  readonly m: boolean;
  readonly x: boolean;
  readonly d: boolean;
}

const TERMINATORS = "\\n\\r\\u0085\\u2028\\u2029";
const JS_SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);
const JS_CLASS_SYNTAX = new Set([..."\\]-^[(){}|/&!#%,:;<=>@`~"]);

/** A set of characters inside `[...]`, as a tree JavaScript classes can express. */
type CharSet =
  | {
      readonly kind: "ranges";
      readonly negated: boolean;
      readonly ranges: [number, number][];
      readonly raw: string[];
    }
  | { readonly kind: "union"; readonly negated: boolean; readonly parts: CharSet[] }
  | { readonly kind: "intersection"; readonly parts: CharSet[] };

const POSIX: Record<string, string> = {
  Lower: "a-z",
  Upper: "A-Z",
  ASCII: "\\x00-\\x7F",
  Alpha: "a-zA-Z",
  Digit: "0-9",
  Alnum: "a-zA-Z0-9",
  Punct: "!-\\/:-@\\[-`{-~",
  Graph: "!-~",
  Print: " -~",
  Blank: " \\t",
  Cntrl: "\\x00-\\x1F\\x7F",
  XDigit: "0-9a-fA-F",
  Space: " \\t\\n\\x0B\\f\\r",
  javaLowerCase: "\\p{Lowercase}",
  javaUpperCase: "\\p{Uppercase}",
  javaWhitespace: "\\t-\\r\\x1C-\\x1F\\p{Zs}\\p{Zl}\\p{Zp}",
  javaMirrored: "\\p{Bidi_Mirrored}",
  javaLetter: "\\p{L}",
  javaDigit: "\\p{Nd}",
  javaLetterOrDigit: "\\p{L}\\p{Nd}",
  javaAlphabetic: "\\p{Alphabetic}",
  javaSpaceChar: "\\p{Zs}\\p{Zl}\\p{Zp}",
  javaTitleCase: "\\p{Lt}",
  javaIdeographic: "\\p{Ideographic}",
  IsAlphabetic: "\\p{Alphabetic}",
  IsIdeographic: "\\p{Ideographic}",
  IsLetter: "\\p{L}",
  IsLowercase: "\\p{Lowercase}",
  IsUppercase: "\\p{Uppercase}",
  IsTitlecase: "\\p{Lt}",
  IsPunctuation: "\\p{P}",
  IsControl: "\\p{Cc}",
  IsWhite_Space: "\\p{White_Space}",
  IsWhiteSpace: "\\p{White_Space}",
  IsDigit: "\\p{Nd}",
  IsHex_Digit: "\\p{Hex_Digit}",
  IsNoncharacter_Code_Point: "\\p{Noncharacter_Code_Point}",
  IsAssigned: "\\P{Cn}",
  InBasicLatin: "\\x00-\\x7F",
  InLatin1Supplement: "\\x80-\\xFF",
  "InLatin-1Supplement": "\\x80-\\xFF",
  InLatin_1_Supplement: "\\x80-\\xFF",
  all: "\\s\\S",
};

const CATEGORIES = new Set(
  "L Lu Ll Lt Lm Lo LC M Mn Mc Me N Nd Nl No P Pc Pd Ps Pe Pi Pf Po S Sm Sc Sk So Z Zs Zl Zp C Cc Cf Cs Co Cn".split(
    " ",
  ),
);

function unsupported(pattern: string, what: string): never {
  throw new SqlFunctionError(
    `Regular expression '${pattern}' uses ${what}, which Eddy cannot translate from Java`,
  );
}

function hex(code: number): string {
  return `\\u{${code.toString(16)}}`;
}

function literalOutside(code: number): string {
  const ch = String.fromCodePoint(code);
  if (JS_SYNTAX.has(ch)) return `\\${ch}`;
  if (code < 0x20 || code === 0x7f) return hex(code);
  return ch;
}

function literalInClass(code: number): string {
  const ch = String.fromCodePoint(code);
  if (JS_CLASS_SYNTAX.has(ch)) return `\\${ch}`;
  if (code < 0x20 || code === 0x7f) return hex(code);
  return ch;
}

/** Adds the other ASCII case of letter ranges (case-insensitivity emulated in a part of a pattern). */
function withOtherCase(ranges: [number, number][]): [number, number][] {
  const out = [...ranges];
  for (const [lo, hi] of ranges) {
    for (const [from, to, shift] of [
      [0x41, 0x5a, 32],
      [0x61, 0x7a, -32],
    ] as const) {
      const a = Math.max(lo, from);
      const b = Math.min(hi, to);
      if (a <= b) out.push([a + shift, b + shift]);
    }
  }
  return out;
}

function emitSet(set: CharSet, caseless: boolean): string {
  switch (set.kind) {
    case "ranges": {
      const ranges = caseless ? withOtherCase(set.ranges) : set.ranges;
      const body =
        ranges
          .map(([lo, hi]) => (lo === hi ? literalInClass(lo) : `${literalInClass(lo)}-${literalInClass(hi)}`))
          .join("") + set.raw.join("");
      if (body === "") return set.negated ? "[\\s\\S]" : "(?!)";
      return `[${set.negated ? "^" : ""}${body}]`;
    }
    case "union": {
      const parts = set.parts.map((p) => emitSet(p, caseless));
      const any = `(?:${parts.join("|")})`;
      return set.negated ? `(?:(?!${parts.join("|")})[\\s\\S])` : any;
    }
    case "intersection": {
      const parts = set.parts.map((p) => emitSet(p, caseless));
      return `(?:${parts
        .slice(0, -1)
        .map((p) => `(?=${p})`)
        .join("")}${parts[parts.length - 1]})`;
    }
  }
}

/** Translates Java patterns; one instance per pattern. */
class Translator {
  #pos = 0;
  #javaGroups = 0;
  #jsGroups = 0;
  readonly jsIndexOf: number[] = [0];
  readonly names = new Map<string, number>();
  readonly globalI: boolean;

  constructor(readonly pattern: string) {
    const leading = /^\(\?([a-zA-Z]*)\)/.exec(pattern);
    this.globalI =
      leading !== null &&
      leading[1]!.includes("i") &&
      !/\(\?[a-zA-Z]*-?[a-zA-Z]*i[a-zA-Z]*[:)]/.test(pattern.slice(leading[0].length));
  }

  translate(): { source: string; flags: string } {
    const flags: Flags = { i: false, s: false, m: false, x: false, d: false };
    const source = this.#alternation(flags, 0);
    if (this.#pos < this.pattern.length) this.#fail(`unmatched ')' at position ${this.#pos}`);
    // Back references may point forward, and possessive quantifiers renumber groups: references
    // are placeholders until every group has its final number.
    const text = source.replace(/\uE000(\d+)\uE001/g, (_, java: string) => {
      const js = this.jsIndexOf[Number(java)];
      if (js === undefined) this.#fail(`a reference to group ${java}, which does not exist`);
      return `\\${js}(?:)`;
    });
    return { source: text, flags: this.globalI ? "i" : "" };
  }

  #fail(what: string): never {
    throw new SqlFunctionError(`Invalid regular expression '${this.pattern}': ${what}`);
  }

  #peek(offset = 0): string | undefined {
    return this.pattern[this.#pos + offset];
  }

  #skipExtended(flags: Flags): void {
    if (!flags.x) return;
    for (;;) {
      const c = this.#peek();
      if (c === undefined) return;
      if (/\s/.test(c)) this.#pos++;
      else if (c === "#") {
        while (this.#peek() !== undefined && this.#peek() !== "\n") this.#pos++;
      } else return;
    }
  }

  /** Sequences separated by `|`, up to `)` or the end. Flags set inline last to the group's end. */
  #alternation(outer: Flags, depth: number): string {
    let flags = outer;
    const branches: string[] = [];
    let current = "";
    for (;;) {
      this.#skipExtended(flags);
      const c = this.#peek();
      if (c === undefined || (c === ")" && depth > 0)) break;
      if (c === ")") this.#fail(`unmatched ')' at position ${this.#pos}`);
      if (c === "|") {
        this.#pos++;
        branches.push(current);
        current = "";
        continue;
      }
      const inline = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?\)/.exec(this.pattern.slice(this.#pos));
      if (inline !== null) {
        flags = this.#applyFlags(flags, inline[1]!, inline[2] ?? "");
        this.#pos += inline[0].length;
        continue;
      }
      current += this.#quantified(this.#atom(flags), flags);
    }
    branches.push(current);
    return branches.join("|");
  }

  #applyFlags(flags: Flags, on: string, off: string): Flags {
    const next = { ...flags };
    for (const [letters, value] of [
      [on, true],
      [off, false],
    ] as const) {
      for (const f of letters) {
        if (f === "i" || f === "s" || f === "m" || f === "x" || f === "d") next[f] = value;
        else if (f === "u" || f === "U") {
          // Unicode case folding / classes: JavaScript's `u` mode already folds case by Unicode.
        } else this.#fail(`unknown inline flag '${f}'`);
      }
    }
    return next;
  }

  /** Emits one atom (without its quantifier). */
  #atom(flags: Flags): string {
    const c = this.#peek()!;
    switch (c) {
      case "(":
        return this.#group(flags);
      case "[":
        this.#pos++;
        return emitSet(this.#classBody(flags), flags.i && !this.globalI);
      case ".":
        this.#pos++;
        return flags.s ? "[\\s\\S]" : flags.d ? "[^\\n]" : `[^${TERMINATORS}]`;
      case "^":
        this.#pos++;
        if (!flags.m) return "^";
        return flags.d ? "(?:^|(?<=\\n)(?!$))" : `(?:^|(?<=[\\n\\u0085\\u2028\\u2029]|\\r(?!\\n))(?!$))`;
      case "$":
        this.#pos++;
        if (flags.m) return flags.d ? "(?=\\n|$)" : `(?=[${TERMINATORS}]|$)`;
        return flags.d ? "(?=\\n?$)" : `(?=(?:\\r\\n|[${TERMINATORS}])?$)`;
      case "\\":
        return this.#escape(flags);
      case "*":
      case "+":
      case "?":
        this.#fail(`dangling meta character '${c}' at position ${this.#pos}`);
        break;
      case "{":
        this.#fail(`illegal repetition at position ${this.#pos}`);
    }
    const code = this.pattern.codePointAt(this.#pos)!;
    this.#pos += code > 0xffff ? 2 : 1;
    return this.#literal(code, flags);
  }

  #literal(code: number, flags: Flags): string {
    if (flags.i && !this.globalI && /[a-zA-Z]/.test(String.fromCharCode(code))) {
      return emitSet({ kind: "ranges", negated: false, ranges: [[code, code]], raw: [] }, true);
    }
    return literalOutside(code);
  }

  #group(flags: Flags): string {
    const rest = this.pattern.slice(this.#pos);
    let open: string;
    let capture: "java" | "atomic" | "none" = "none";
    let inner = flags;
    const named = /^\(\?<([a-zA-Z][a-zA-Z0-9]*)>/.exec(rest);
    const scoped = /^\(\?([a-zA-Z]*)(?:-([a-zA-Z]*))?:/.exec(rest);
    if (rest.startsWith("(?:")) {
      open = "(?:";
      this.#pos += 3;
    } else if (rest.startsWith("(?>")) {
      open = "(?=(";
      capture = "atomic";
      this.#pos += 3;
    } else if (rest.startsWith("(?=") || rest.startsWith("(?!")) {
      open = rest.slice(0, 3);
      this.#pos += 3;
    } else if (rest.startsWith("(?<=") || rest.startsWith("(?<!")) {
      open = rest.slice(0, 4);
      this.#pos += 4;
    } else if (named !== null) {
      this.#javaGroups++;
      this.#jsGroups++;
      this.jsIndexOf[this.#javaGroups] = this.#jsGroups;
      this.names.set(named[1]!, this.#javaGroups);
      open = `(?<${named[1]}>`;
      capture = "java";
      this.#pos += named[0].length;
    } else if (scoped !== null) {
      inner = this.#applyFlags(flags, scoped[1]!, scoped[2] ?? "");
      open = "(?:";
      this.#pos += scoped[0].length;
    } else if (rest.startsWith("(?")) {
      this.#fail(`unknown group type at position ${this.#pos}`);
    } else {
      this.#javaGroups++;
      this.#jsGroups++;
      this.jsIndexOf[this.#javaGroups] = this.#jsGroups;
      open = "(";
      capture = "java";
      this.#pos += 1;
    }
    let helper = 0;
    if (capture === "atomic") helper = ++this.#jsGroups;
    const body = this.#alternation(inner, 1);
    if (this.#peek() !== ")") this.#fail("unclosed group");
    this.#pos++;
    if (capture === "atomic") return `(?:${open}${body}))\\${helper})`;
    return `${open}${body})`;
  }

  /** A quantifier after an atom: greedy, lazy (`?`) or possessive (`+`, emulated atomically). */
  #quantified(atom: string, flags: Flags): string {
    this.#skipExtended(flags);
    const rest = this.pattern.slice(this.#pos);
    const m = /^(?:[*+?]|\{(\d+)(,(\d*))?\})/.exec(rest);
    if (m === null) {
      if (rest.startsWith("{")) this.#fail(`illegal repetition at position ${this.#pos}`);
      return atom;
    }
    if (m[1] !== undefined && m[3] !== undefined && m[3] !== "" && Number(m[3]) < Number(m[1])) {
      this.#fail(`illegal repetition range at position ${this.#pos}`);
    }
    this.#pos += m[0].length;
    const next = this.#peek();
    if (next === "?") {
      this.#pos++;
      return `${atom}${m[0]}?`;
    }
    if (next === "+") {
      this.#pos++;
      // Possessive: the lookahead matches greedily once and cannot be re-entered on backtracking.
      const helper = this.#shiftGroupsForHelper(atom);
      return `(?:(?=(${helper.atom}${m[0]}))\\${helper.index})`;
    }
    return `${atom}${m[0]}`;
  }

  /**
   * Possessive quantifiers wrap an atom already emitted in a helper group: the helper's number
   * must come before the atom's own groups, so those are renumbered.
   */
  #shiftGroupsForHelper(atom: string): { atom: string; index: number } {
    // Count the JS capturing groups the atom opened: they were numbered before the helper.
    const opened = countCapturingGroups(atom);
    const first = this.#jsGroups - opened + 1;
    for (let j = 1; j < this.jsIndexOf.length; j++) {
      if (this.jsIndexOf[j]! >= first) this.jsIndexOf[j]! += 1;
    }
    this.#jsGroups++;
    // Back references inside the atom to its own groups move too.
    const shifted = atom.replace(/\\\\|\\(\d+)/g, (all, n: string | undefined) =>
      n !== undefined && Number(n) >= first ? `\\${Number(n) + 1}` : all,
    );
    return { atom: shifted, index: first };
  }

  #escape(flags: Flags): string {
    const c = this.#peek(1);
    if (c === undefined) this.#fail("a trailing backslash");
    if (c === "Q") {
      const end = this.pattern.indexOf("\\E", this.#pos + 2);
      const text = this.pattern.slice(this.#pos + 2, end < 0 ? undefined : end);
      this.#pos = end < 0 ? this.pattern.length : end + 2;
      return `(?:${[...text].map((ch) => this.#literal(ch.codePointAt(0)!, flags)).join("")})`;
    }
    if (/[1-9]/.test(c)) {
      // Java takes more digits only while they name an existing group.
      let digits = c;
      this.#pos += 2;
      while (/\d/.test(this.#peek() ?? "") && Number(digits + this.#peek()) <= this.#javaGroups) {
        digits += this.#peek();
        this.#pos++;
      }
      if (flags.i && !this.globalI) unsupported(this.pattern, "a case-insensitive back reference");
      return `\uE000${digits}\uE001`;
    }
    if (c === "k") {
      const m = /^\\k<([a-zA-Z][a-zA-Z0-9]*)>/.exec(this.pattern.slice(this.#pos));
      if (m === null) this.#fail("a malformed \\k<name> reference");
      this.#pos += m[0].length;
      return `\\k<${m[1]}>`;
    }
    switch (c) {
      case "A":
        this.#pos += 2;
        return "^";
      case "z":
        this.#pos += 2;
        return "$";
      case "Z":
        this.#pos += 2;
        return flags.d ? "(?=\\n?$)" : `(?=(?:\\r\\n|[${TERMINATORS}])?$)`;
      case "b":
      case "B":
        this.#pos += 2;
        if (this.#peek() === "{") unsupported(this.pattern, "\\b{g}");
        return `\\${c}`;
      case "R":
        this.#pos += 2;
        return "(?:\\r\\n|[\\n\\x0B\\f\\r\\u0085\\u2028\\u2029])";
      case "G":
        unsupported(this.pattern, "\\G");
        break;
      case "X":
        unsupported(this.pattern, "\\X");
    }
    const set = this.#classEscape();
    if (set !== undefined) return emitSet(set, false);
    return this.#literal(this.#escapedChar(), flags);
  }

  /** A class escape (`\d`, `\s`, `\p{L}`…) as a set, or undefined when the escape is one character. */
  #classEscape(): CharSet | undefined {
    const c = this.#peek(1)!;
    const raw = (text: string, negated = false): CharSet => ({
      kind: "ranges",
      negated,
      ranges: [],
      raw: [text],
    });
    switch (c) {
      case "d":
      case "D":
      case "w":
      case "W":
        this.#pos += 2;
        return raw(`\\${c}`);
      case "s":
      case "S":
        this.#pos += 2;
        return raw(" \\t\\n\\x0B\\f\\r", c === "S");
      case "h":
      case "H":
        this.#pos += 2;
        return raw(" \\t\\xA0\\u1680\\u180e\\u2000-\\u200a\\u202f\\u205f\\u3000", c === "H");
      case "v":
      case "V":
        this.#pos += 2;
        return raw("\\n\\x0B\\f\\r\\u0085\\u2028\\u2029", c === "V");
      case "p":
      case "P": {
        const m = /^\\[pP](?:\{\^?([^}]*)\}|([A-Za-z]))/.exec(this.pattern.slice(this.#pos));
        if (m === null) this.#fail("a malformed \\p{...} class");
        this.#pos += m[0].length;
        const negated = (c === "P") !== m[0].startsWith(`\\${c}{^`);
        return raw(this.#property(m[1] ?? m[2]!), negated);
      }
      default:
        return undefined;
    }
  }

  /** The JavaScript class text of a Java `\p{name}`. */
  #property(name: string): string {
    const posix = POSIX[name];
    if (posix !== undefined) return posix;
    const bare = name.replace(/^Is/, "").replace(/^general_category=|^gc=/i, "");
    if (CATEGORIES.has(bare)) return `\\p{${bare === "LC" ? "LC" : bare}}`;
    const script = /^(?:Is|script=|sc=)(\w+)$/i.exec(name);
    if (script !== null) {
      try {
        new RegExp(`\\p{Script=${script[1]}}`, "u");
        return `\\p{Script=${script[1]}}`;
      } catch {
        // Not a script name JavaScript knows.
      }
    }
    if (/^(In|block=|blk=)/i.test(name)) unsupported(this.pattern, `the Unicode block \\p{${name}}`);
    return this.#fail(`an unknown character property \\p{${name}}`);
  }

  /** One escaped character (`\t`, `\x41`, `\u00e9`, `\0101`, `\cA`, `\.`) as a code point. */
  #escapedChar(): number {
    const rest = this.pattern.slice(this.#pos);
    const simple: Record<string, number> = { t: 9, n: 10, r: 13, f: 12, a: 7, e: 27 };
    const c = rest[1]!;
    if (simple[c] !== undefined) {
      this.#pos += 2;
      return simple[c];
    }
    const hexadecimal = /^\\x\{([0-9a-fA-F]+)\}/.exec(rest) ?? /^\\x([0-9a-fA-F]{2})/.exec(rest);
    if (hexadecimal !== null) {
      this.#pos += hexadecimal[0].length;
      return Number.parseInt(hexadecimal[1]!, 16);
    }
    const unicode = /^\\u([0-9a-fA-F]{4})/.exec(rest);
    if (unicode !== null) {
      this.#pos += unicode[0].length;
      const high = Number.parseInt(unicode[1]!, 16);
      const low = /^\\u([0-9a-fA-F]{4})/.exec(this.pattern.slice(this.#pos));
      if (high >= 0xd800 && high <= 0xdbff && low !== null) {
        const code = Number.parseInt(low[1]!, 16);
        if (code >= 0xdc00 && code <= 0xdfff) {
          this.#pos += low[0].length;
          return (high - 0xd800) * 0x400 + (code - 0xdc00) + 0x10000;
        }
      }
      return high;
    }
    const octal = /^\\0([0-3]?[0-7]{1,2})/.exec(rest);
    if (octal !== null) {
      this.#pos += octal[0].length;
      return Number.parseInt(octal[1]!, 8);
    }
    const control = /^\\c(.)/.exec(rest);
    if (control !== null) {
      this.#pos += 3;
      return control[1]!.charCodeAt(0) ^ 64;
    }
    if (/[a-zA-Z0-9]/.test(c)) this.#fail(`the illegal escape sequence \\${c}`);
    const code = rest.codePointAt(1)!;
    this.#pos += code > 0xffff ? 3 : 2;
    return code;
  }

  /** A class after its `[`, up to and including its `]`. */
  #classBody(flags: Flags): CharSet {
    let negated = false;
    if (this.#peek() === "^") {
      negated = true;
      this.#pos++;
    }
    const operands: CharSet[] = [];
    let current: { ranges: [number, number][]; raw: string[]; nested: CharSet[] } = {
      ranges: [],
      raw: [],
      nested: [],
    };
    const close = (): CharSet => {
      const items: CharSet = { kind: "ranges", negated: false, ranges: current.ranges, raw: current.raw };
      if (current.nested.length === 0) return items;
      return { kind: "union", negated: false, parts: [items, ...current.nested] };
    };
    let first = true;
    for (;;) {
      const c = this.#peek();
      if (c === undefined) this.#fail("an unclosed character class");
      if (c === "]" && !first) {
        this.#pos++;
        break;
      }
      first = false;
      if (c === "[") {
        this.#pos++;
        current.nested.push(this.#classBody(flags));
        continue;
      }
      if (c === "&" && this.#peek(1) === "&") {
        this.#pos += 2;
        operands.push(close());
        current = { ranges: [], raw: [], nested: [] };
        continue;
      }
      if (flags.x && /\s/.test(c)) {
        this.#pos++;
        continue;
      }
      if (c === "\\") {
        if (this.#peek(1) === "Q") {
          const end = this.pattern.indexOf("\\E", this.#pos + 2);
          const text = this.pattern.slice(this.#pos + 2, end < 0 ? undefined : end);
          this.#pos = end < 0 ? this.pattern.length : end + 2;
          for (const ch of text) current.ranges.push([ch.codePointAt(0)!, ch.codePointAt(0)!]);
          continue;
        }
        const set = this.#classEscape();
        if (set?.kind === "ranges") {
          const raw = set.raw[0]!;
          if (!set.negated) current.raw.push(raw);
          else if (/^\\p\{[^}]*\}$/.test(raw)) current.raw.push(raw.replace("\\p", "\\P"));
          else current.nested.push(set);
          continue;
        }
      }
      const lo = c === "\\" ? this.#escapedChar() : this.#codePoint();
      if (
        this.#peek() === "-" &&
        this.#peek(1) !== "]" &&
        this.#peek(1) !== undefined &&
        this.#peek(1) !== "["
      ) {
        this.#pos++;
        const hi = this.#peek() === "\\" ? this.#escapedChar() : this.#codePoint();
        if (hi < lo)
          this.#fail(`the illegal character range ${String.fromCodePoint(lo)}-${String.fromCodePoint(hi)}`);
        current.ranges.push([lo, hi]);
      } else current.ranges.push([lo, lo]);
    }
    operands.push(close());
    const set: CharSet = operands.length === 1 ? operands[0]! : { kind: "intersection", parts: operands };
    if (!negated) return set;
    if (set.kind === "ranges") return { ...set, negated: true };
    return { kind: "union", negated: true, parts: [set] };
  }

  #codePoint(): number {
    const code = this.pattern.codePointAt(this.#pos)!;
    this.#pos += code > 0xffff ? 2 : 1;
    return code;
  }
}

function countCapturingGroups(source: string): number {
  let count = 0;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") {
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") inClass = true;
    else if (
      c === "(" &&
      (source[i + 1] !== "?" || source[i + 2] === "<") &&
      source.slice(i + 2, i + 4) !== "<=" &&
      source.slice(i + 2, i + 4) !== "<!"
    ) {
      count++;
    }
  }
  return count;
}

/** Translates a Java regular expression; throws {@link SqlFunctionError} when it is invalid or untranslatable. */
export function compileJavaRegex(pattern: string): JavaRegex {
  const translator = new Translator(pattern);
  const { source, flags } = translator.translate();
  let search: RegExp;
  let whole: RegExp;
  try {
    search = new RegExp(source, `gu${flags}`);
    whole = new RegExp(`^(?:${source})$`, `u${flags}`);
  } catch (error) {
    throw new SqlFunctionError(`Invalid regular expression '${pattern}': ${(error as Error).message}`);
  }
  const jsIndexOf = translator.jsIndexOf;
  const names = translator.names;
  return {
    source: pattern,
    groupCount: jsIndexOf.length - 1,
    search,
    whole,
    group: (match, group) => match[jsIndexOf[group] ?? -1],
    groupNumber: (name) => names.get(name),
  };
}
