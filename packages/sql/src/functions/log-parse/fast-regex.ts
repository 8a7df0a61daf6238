import { SqlFunctionError } from "../function-contract.ts";

/**
 * FAST_REGEX_LOG_PARSER's patterns (the automaton syntax its page lists: `"literal"`, `[…]`,
 * `.`, `@` any string, `#` nothing, `<Digit>`-style named classes, `?` `*` `+` `{n,m}`) and its
 * matching: the pattern is cut into a series of expressions — one per top-level group and one per
 * run of items between groups — the fixed-length start of each moved to the end of the one
 * before (a wholly fixed one merged into it); the series is then matched in order from the start
 * of the line, each expression once, never backtracking into an earlier one, and the last must
 * reach the end of the line.
 *
 * Inside an expression a group's repetitions are lazy (they stop at the first place the
 * following fixed text matches) and the items between groups greedy. That reading reproduces the
 * page's examples B and C (`'(.*)_+(.*)'` on `Mary____had_a_little_lamb` gives `Mary` and
 * `had_a_little_lamb`) and A (no result); for the first example it gives `Mary_had` and
 * `a_little`, where the page prints `a_little_lamb` — impossible, since the pattern's `_.*` after
 * the second group must consume an underscore outside it.
 */
export interface FastRegex {
  readonly groupCount: number;
  /** The groups' texts, or null when the line does not fit the pattern. */
  match(line: string): (string | undefined)[] | null;
}

/** One item of the pattern: its JavaScript source (greedy and lazy), whether it is one fixed length, its group. */
interface Item {
  readonly greedy: string;
  readonly lazy: string;
  readonly fixed: boolean;
  readonly group: number | undefined;
}

const NAMED: Record<string, string> = {
  Digit: "[0-9]",
  Upper: "[A-Z]",
  Lower: "[a-z]",
  ASCII: "[\\x00-\\x7F]",
  Alpha: "[a-zA-Z]",
  Alnum: "[a-zA-Z0-9]",
  Punct: "[!-\\/:-@\\[-`{-~]",
  Blank: "[ \\t]",
  Space: "[ \\t\\n\\f\\r\\x0B]",
  Cntrl: "[\\x00-\\x1F\\x7F]",
  XDigit: "[0-9a-fA-F]",
  Print: "[!-~]",
  Graph: "[!-~]",
};

const escapeJs = (ch: string) => (/[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch);

class FastRegexParser {
  #pos = 0;
  #groups = 0;

  constructor(private readonly pattern: string) {}

  fail(what: string): never {
    throw new SqlFunctionError(`Invalid FAST_REGEX_LOG_PARSER pattern '${this.pattern}': ${what}`);
  }

  /** The top level: a sequence of items, top-level parentheses being the groups. */
  topLevel(): { items: Item[]; groups: number } {
    const items: Item[] = [];
    while (this.#pos < this.pattern.length) {
      const c = this.pattern[this.#pos]!;
      if (c === "|")
        this.fail(
          "a union at the top level cannot be split into a series of expressions; put it in parentheses",
        );
      if (c === "(") {
        this.#pos++;
        const group = ++this.#groups;
        for (const item of this.#sequenceUntilClose()) items.push({ ...item, group });
        continue;
      }
      items.push(...this.#quantified(this.#atom(), undefined));
    }
    return { items, groups: this.#groups };
  }

  /** Items inside a top-level group, up to its `)`. */
  #sequenceUntilClose(): Item[] {
    const items: Item[] = [];
    for (;;) {
      if (this.#pos >= this.pattern.length) this.fail("an unclosed '('");
      const c = this.pattern[this.#pos]!;
      if (c === ")") {
        this.#pos++;
        return items;
      }
      if (c === "|") {
        // A union inside a group: the whole group becomes one non-fixed item.
        const rest = this.#unionRest(items);
        return [rest];
      }
      items.push(...this.#quantified(this.#atom(), 0));
    }
  }

  #unionRest(first: Item[]): Item {
    const branches = [first.map((i) => i.lazy).join("")];
    let current = "";
    this.#pos++;
    for (;;) {
      if (this.#pos >= this.pattern.length) this.fail("an unclosed '('");
      const c = this.pattern[this.#pos]!;
      if (c === ")") {
        this.#pos++;
        branches.push(current);
        const source = `(?:${branches.join("|")})`;
        return { greedy: source, lazy: source, fixed: false, group: 0 };
      }
      if (c === "|") {
        this.#pos++;
        branches.push(current);
        current = "";
        continue;
      }
      current += this.#quantified(this.#atom(), 0)
        .map((i) => i.lazy)
        .join("");
    }
  }

  /** One atom's JavaScript source and fixed length (in characters), or undefined length when variable. */
  #atom(): { source: string; length: number | undefined } {
    const c = this.pattern[this.#pos]!;
    const rest = this.pattern.slice(this.#pos);
    switch (c) {
      case ".":
        this.#pos++;
        return { source: "[\\s\\S]", length: 1 };
      case "@":
        this.#pos++;
        return { source: "[\\s\\S]*", length: undefined };
      case "#":
        this.#pos++;
        return { source: "(?!)", length: undefined };
      case '"': {
        const end = this.pattern.indexOf('"', this.#pos + 1);
        if (end < 0) this.fail("an unclosed string");
        const text = this.pattern.slice(this.#pos + 1, end);
        this.#pos = end + 1;
        return { source: [...text].map(escapeJs).join(""), length: text.length };
      }
      case "<": {
        const m = /^<([A-Za-z]+)>/.exec(rest);
        if (m === null)
          this.fail(
            `a named pattern or numeric interval <…> that is not one of ${Object.keys(NAMED).join(", ")}`,
          );
        const named = NAMED[m[1]!];
        if (named === undefined) this.fail(`the unknown named pattern <${m[1]}>`);
        this.#pos += m[0].length;
        return { source: named, length: 1 };
      }
      case "[": {
        const m = /^\[(\^?)((?:\\.|[^\]\\])+)\]/.exec(rest);
        if (m === null) this.fail("a malformed character class");
        this.#pos += m[0].length;
        const body = m[2]!.replace(/\\(.)/g, (_, ch: string) => `\\${ch}`).replace(/([[/])/g, "\\$1");
        return { source: `[${m[1]}${body}]`, length: 1 };
      }
      case "(": {
        this.#pos++;
        let inner = "";
        let depth = 1;
        // A nested group only sets precedence: its text is translated as a whole.
        const start = this.#pos;
        while (this.#pos < this.pattern.length && depth > 0) {
          if (this.pattern[this.#pos] === "(") depth++;
          else if (this.pattern[this.#pos] === ")") depth--;
          this.#pos++;
        }
        if (depth > 0) this.fail("an unclosed '('");
        const nested = new FastRegexParser(this.pattern.slice(start, this.#pos - 1));
        inner = nested.flat();
        return { source: `(?:${inner})`, length: undefined };
      }
      case "~":
      case "&":
        this.fail(`'${c}' (complement and intersection), which a JavaScript expression cannot carry`);
        break;
      case "\\":
        if (this.#pos + 1 >= this.pattern.length) this.fail("a trailing backslash");
        this.#pos += 2;
        return { source: escapeJs(this.pattern[this.#pos - 1]!), length: 1 };
      case "*":
      case "+":
      case "?":
      case "{":
        this.fail(`a repetition '${c}' with nothing to repeat`);
    }
    this.#pos++;
    return { source: escapeJs(c), length: 1 };
  }

  /** A nested (precedence) pattern as one JavaScript source, unions allowed. */
  flat(): string {
    let out = "";
    while (this.#pos < this.pattern.length) {
      if (this.pattern[this.#pos] === "|") {
        out += "|";
        this.#pos++;
        continue;
      }
      out += this.#quantified(this.#atom(), 0)
        .map((i) => i.greedy)
        .join("");
    }
    return out;
  }

  /** An atom with its quantifier; `X+` is `X X*`, `X{n,m}` is `X{n} X{0,m-n}`, so fixed starts show. */
  #quantified(atom: { source: string; length: number | undefined }, group: number | undefined): Item[] {
    const m = /^(?:([*+?])|\{(\d+)(?:(,)(\d*))?\})/.exec(this.pattern.slice(this.#pos));
    const one = (greedy: string, lazy: string, fixed: boolean): Item => ({ greedy, lazy, fixed, group });
    if (m === null) return [one(atom.source, atom.source, atom.length !== undefined)];
    this.#pos += m[0].length;
    const s = atom.source;
    const fixedAtom = atom.length !== undefined;
    switch (m[1]) {
      case "*":
        return [one(`${s}*`, `${s}*?`, false)];
      case "?":
        return [one(`${s}?`, `${s}??`, false)];
      case "+":
        return [one(s, s, fixedAtom), one(`${s}*`, `${s}*?`, false)];
    }
    const low = Number(m[2]);
    const exact = one(`${s}{${low}}`, `${s}{${low}}`, fixedAtom);
    if (m[3] === undefined) return [exact];
    if (m[4] === "") return [exact, one(`${s}*`, `${s}*?`, false)];
    const high = Number(m[4]);
    if (high < low) this.fail(`the repetition {${low},${high}}`);
    return [exact, one(`${s}{0,${high - low}}`, `${s}{0,${high - low}}?`, false)];
  }
}

/** One expression of the series: its parts, each captured so its text can go to its group. */
interface Expression {
  readonly parts: { source: string; group: number | undefined }[];
}

/** Compiles a FAST_REGEX_LOG_PARSER pattern (see {@link FastRegex}). */
export function compileFastRegex(pattern: string): FastRegex {
  const { items, groups } = new FastRegexParser(pattern).topLevel();
  // Segments: a top-level group's items, or a run of items between groups.
  const segments: Item[][] = [];
  for (const item of items) {
    const last = segments[segments.length - 1];
    if (last !== undefined && last[0]!.group === item.group) last.push(item);
    else segments.push([item]);
  }
  const expressions: Expression[] = [];
  for (const segment of segments) {
    const inGroup = segment[0]!.group !== undefined;
    let fixedPrefix = 0;
    while (fixedPrefix < segment.length && segment[fixedPrefix]!.fixed) fixedPrefix++;
    const previous = expressions[expressions.length - 1];
    const body = segment.slice(previous === undefined ? 0 : fixedPrefix);
    if (previous !== undefined) {
      for (const item of segment.slice(0, fixedPrefix))
        previous.parts.push({ source: item.greedy, group: item.group });
    }
    if (body.length === 0) continue;
    expressions.push({
      parts: body.map((item) => ({ source: inGroup ? item.lazy : item.greedy, group: item.group })),
    });
  }
  const regexes = expressions.map(
    (e, i) =>
      new RegExp(
        `${e.parts.map((p) => `(${p.source})`).join("")}${i === expressions.length - 1 ? "$" : ""}`,
        "y",
      ),
  );
  return {
    groupCount: groups,
    match: (line) => {
      const texts: (string | undefined)[] = new Array(groups).fill(undefined);
      let pos = 0;
      for (let e = 0; e < regexes.length; e++) {
        const regex = regexes[e]!;
        regex.lastIndex = pos;
        const m = regex.exec(line);
        if (m === null) return null;
        expressions[e]!.parts.forEach((part, i) => {
          if (part.group !== undefined)
            texts[part.group - 1] = (texts[part.group - 1] ?? "") + (m[i + 1] ?? "");
        });
        pos = regex.lastIndex;
      }
      return regexes.length === 0 && line !== "" ? null : texts;
    },
  };
}
