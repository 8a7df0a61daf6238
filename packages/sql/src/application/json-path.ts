/**
 * A JSONPath of KDA's subset, read once: the member names from the root, and where `[0:]` (all
 * elements of an array) stands, if anywhere.
 *
 * - `$.a.b` → `{ keys: ["a", "b"] }`;
 * - `$.orders[0:]` → `{ keys: ["orders"], arrayAt: 1 }`: the whole array, one value;
 * - `$.orders[0:].id` → `{ keys: ["orders", "id"], arrayAt: 1 }`: one row per element.
 *
 * @example
 * const path: JsonPath = parseJsonPath("$.orders[0:].orderId");
 * path.keys; // ["orders", "orderId"]
 * path.arrayAt; // 1
 */
export interface JsonPath {
  /** The text as written. */
  readonly text: string;
  /** Member names from the root, in order (case-sensitive). */
  readonly keys: readonly string[];
  /** `[0:]` stands after `keys[arrayAt - 1]` (absent: the path has none). */
  readonly arrayAt?: number;
}

/** What the subset allows, for messages. */
const SUBSET = "KDA's JSONPath subset: $, .name or ['name'] members, and at most one [0:]";

/**
 * Reads a JSONPath of the subset KDA documents
 * (https://docs.aws.amazon.com/kinesisanalytics/latest/dev/about-json-path.html): `$` is the
 * record, `.name` (or `['name']` for names with dots or spaces) a member, case-sensitive, and
 * `[0:]` — the only index expression — all elements of an array, at most once per path. Throws
 * an `Error` saying what is wrong and where.
 *
 * @example
 * parseJsonPath("$.address.city").keys; // ["address", "city"]
 * parseJsonPath("$['user name']").keys; // ["user name"]
 */
export function parseJsonPath(text: string): JsonPath {
  if (!text.startsWith("$")) throw new Error(`JSONPath "${text}" must start with $ (${SUBSET})`);
  const keys: string[] = [];
  let arrayAt: number | undefined;
  let i = 1;
  const fail = (why: string): never => {
    throw new Error(`JSONPath "${text}" at character ${i + 1}: ${why} (${SUBSET})`);
  };
  while (i < text.length) {
    const char = text[i];
    if (char === ".") {
      let end = i + 1;
      while (end < text.length && text[end] !== "." && text[end] !== "[") end++;
      if (end === i + 1) fail("a member name is missing after '.'");
      keys.push(text.slice(i + 1, end));
      i = end;
    } else if (text.startsWith("[0:]", i)) {
      if (arrayAt !== undefined) fail("only one [0:] is allowed in a path");
      if (keys.length === 0) fail("[0:] must follow a member name");
      arrayAt = keys.length;
      i += 4;
    } else if (text.startsWith("['", i) || text.startsWith('["', i)) {
      const quote = text[i + 1]!;
      const end = text.indexOf(`${quote}]`, i + 2);
      if (end < 0) fail(`the bracketed name has no closing ${quote}]`);
      keys.push(text.slice(i + 2, end));
      i = end + 2;
    } else if (char === "[") {
      fail("the only index expression KDA supports is [0:]");
    } else {
      fail(`unexpected '${char}'`);
    }
  }
  return arrayAt === undefined ? { text, keys } : { text, keys, arrayAt };
}

/** The member at `keys[from..to)` under `value`; undefined as soon as one is missing. */
export function memberAt(value: unknown, keys: readonly string[], from = 0, to = keys.length): unknown {
  let current = value;
  for (let i = from; i < to; i++) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    const record = current as Record<string, unknown>;
    const key = keys[i]!;
    if (!Object.hasOwn(record, key)) return undefined;
    current = record[key];
  }
  return current;
}
