import { createToken, Lexer, type TokenType } from "chevrotain";

// The lexical structure of KDA SQL (reference §2): identifiers, quoted identifiers, string,
// Unicode-escape and binary literals, numbers, operators, and the three comment forms (`--`,
// `/* */`, and the `//` lines of the CREATE PUMP reference example, A13).

/** Unquoted identifier; keywords fall back to it when a longer word starts with one. */
export const Identifier = createToken({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_$]*/,
  label: "a name",
});

/**
 * Keywords a column may also be named by (they never start a clause where a name could stand).
 * The parser's name rule accepts them; their images are upper-cased like any unquoted name.
 */
export const NonReserved = createToken({ name: "NonReserved", pattern: Lexer.NA });

const keywordsByName = new Map<string, TokenType>();

function keyword(word: string, options: { nonReserved?: boolean } = {}): TokenType {
  const token = createToken({
    name: word,
    pattern: new RegExp(word, "i"),
    longer_alt: Identifier,
    categories: options.nonReserved ? [NonReserved] : [],
    // A display label so that "expected" lists read as SQL.
    label: word,
  });
  keywordsByName.set(word, token);
  return token;
}

const nonReserved = { nonReserved: true };

export const Create = keyword("CREATE");
export const Or = keyword("OR");
export const Replace = keyword("REPLACE", nonReserved);
export const Stream = keyword("STREAM");
export const Pump = keyword("PUMP", nonReserved);
export const Description = keyword("DESCRIPTION", nonReserved);
export const As = keyword("AS");
export const Insert = keyword("INSERT");
export const Expedited = keyword("EXPEDITED", nonReserved);
export const Into = keyword("INTO");
export const Select = keyword("SELECT");
export const Distinct = keyword("DISTINCT");
export const All = keyword("ALL");
export const From = keyword("FROM");
export const Where = keyword("WHERE");
export const Group = keyword("GROUP");
export const By = keyword("BY");
export const Having = keyword("HAVING");
export const Windowed = keyword("WINDOWED", nonReserved);
export const Stagger = keyword("STAGGER", nonReserved);
export const Window = keyword("WINDOW");
export const Partition = keyword("PARTITION");
export const Order = keyword("ORDER");
export const Asc = keyword("ASC");
export const Desc = keyword("DESC");
export const Within = keyword("WITHIN", nonReserved);
export const Union = keyword("UNION");
export const Values = keyword("VALUES");
export const Over = keyword("OVER");
export const Range = keyword("RANGE");
export const Rows = keyword("ROWS");
export const Row = keyword("ROW");
export const Between = keyword("BETWEEN");
export const Symmetric = keyword("SYMMETRIC", nonReserved);
export const Asymmetric = keyword("ASYMMETRIC", nonReserved);
export const Preceding = keyword("PRECEDING", nonReserved);
export const Following = keyword("FOLLOWING", nonReserved);
export const Current = keyword("CURRENT");
export const Unbounded = keyword("UNBOUNDED");
export const Join = keyword("JOIN");
export const Inner = keyword("INNER");
export const Left = keyword("LEFT");
export const Right = keyword("RIGHT");
export const Full = keyword("FULL");
export const Outer = keyword("OUTER");
export const Cross = keyword("CROSS");
export const Natural = keyword("NATURAL");
export const On = keyword("ON");
export const Using = keyword("USING");
export const Table = keyword("TABLE");
export const Cursor = keyword("CURSOR");
export const And = keyword("AND");
export const Not = keyword("NOT");
export const Is = keyword("IS");
export const Null = keyword("NULL");
export const True = keyword("TRUE");
export const False = keyword("FALSE");
export const Unknown = keyword("UNKNOWN");
export const In = keyword("IN");
export const Like = keyword("LIKE");
export const Similar = keyword("SIMILAR");
export const Escape = keyword("ESCAPE", nonReserved);
export const To = keyword("TO");
export const Case = keyword("CASE");
export const When = keyword("WHEN");
export const Then = keyword("THEN");
export const Else = keyword("ELSE");
export const End = keyword("END");
export const Cast = keyword("CAST");
export const Extract = keyword("EXTRACT");
export const Floor = keyword("FLOOR");
export const Ceil = keyword("CEIL");
export const Ceiling = keyword("CEILING");
export const Step = keyword("STEP");
export const Position = keyword("POSITION");
export const Overlay = keyword("OVERLAY");
export const Placing = keyword("PLACING", nonReserved);
export const For = keyword("FOR");
export const Substring = keyword("SUBSTRING");
export const Trim = keyword("TRIM");
export const Leading = keyword("LEADING");
export const Trailing = keyword("TRAILING");
export const Both = keyword("BOTH");
export const Ignore = keyword("IGNORE", nonReserved);
export const Respect = keyword("RESPECT", nonReserved);
export const Nulls = keyword("NULLS", nonReserved);
export const First = keyword("FIRST", nonReserved);
export const Last = keyword("LAST", nonReserved);
export const Interval = keyword("INTERVAL");
export const DateKeyword = keyword("DATE");
export const TimeKeyword = keyword("TIME");
export const TimestampKeyword = keyword("TIMESTAMP");
export const Year = keyword("YEAR");
export const Month = keyword("MONTH");
export const Day = keyword("DAY");
export const Hour = keyword("HOUR");
export const Minute = keyword("MINUTE");
export const Second = keyword("SECOND");
export const Double = keyword("DOUBLE");
export const Precision = keyword("PRECISION", nonReserved);
export const Character = keyword("CHARACTER");
export const Varying = keyword("VARYING", nonReserved);
export const Exists = keyword("EXISTS");

/** A datetime unit keyword (`YEAR` … `SECOND`). */
export const UNIT_TOKENS: readonly TokenType[] = [Year, Month, Day, Hour, Minute, Second];

export const QuotedIdentifier = createToken({
  name: "QuotedIdentifier",
  // biome-ignore lint/suspicious/noControlCharactersInRegex: quoted names exclude control characters (§2)
  pattern: /"(?:[^"\x00-\x1f]|"")*"/,
  label: "a quoted name",
});
export const UnicodeString = createToken({
  name: "UnicodeString",
  pattern: /[uU]&'(?:[^']|'')*'/,
  label: "a Unicode string",
});
export const BinaryString = createToken({
  name: "BinaryString",
  pattern: /[xX]'[0-9A-Fa-f\s]*'/,
  label: "a binary string",
});
export const StringLiteral = createToken({
  name: "StringLiteral",
  pattern: /'(?:[^']|'')*'/,
  label: "a string",
});
export const NumberLiteral = createToken({
  name: "NumberLiteral",
  pattern: /(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/,
  label: "a number",
});

export const NotEquals = createToken({ name: "NotEquals", pattern: /<>|!=/, label: "<>" });
export const LessEquals = createToken({ name: "LessEquals", pattern: /<=/, label: "<=" });
export const GreaterEquals = createToken({ name: "GreaterEquals", pattern: />=/, label: ">=" });
export const Less = createToken({ name: "Less", pattern: /</, label: "<" });
export const Greater = createToken({ name: "Greater", pattern: />/, label: ">" });
export const Equals = createToken({ name: "Equals", pattern: /=/, label: "=" });
export const Concat = createToken({ name: "Concat", pattern: /\|\|/, label: "||" });
export const Plus = createToken({ name: "Plus", pattern: /\+/, label: "+" });
export const Minus = createToken({ name: "Minus", pattern: /-/, label: "-" });
export const Star = createToken({ name: "Star", pattern: /\*/, label: "*" });
export const Slash = createToken({ name: "Slash", pattern: /\//, label: "/" });
export const Comma = createToken({ name: "Comma", pattern: /,/, label: "','" });
export const Dot = createToken({ name: "Dot", pattern: /\./, label: "'.'" });
export const Semicolon = createToken({ name: "Semicolon", pattern: /;/, label: "';'" });
export const LParen = createToken({ name: "LParen", pattern: /\(/, label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: /\)/, label: "')'" });

const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /\s+/, group: Lexer.SKIPPED });
const LineComment = createToken({
  name: "LineComment",
  pattern: /(?:--|\/\/)[^\n\r]*/,
  group: Lexer.SKIPPED,
});
const BlockComment = createToken({ name: "BlockComment", pattern: /\/\*[\s\S]*?\*\//, group: Lexer.SKIPPED });

// Longest first, so that ORDER is not read as OR followed by DER.
const keywordTokens = [...keywordsByName.entries()]
  .sort(([a], [b]) => b.length - a.length)
  .map(([, token]) => token);

/** Every token, in the order the lexer tries them. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  LineComment,
  BlockComment,
  NonReserved,
  // Literals with a letter prefix come before keywords and identifiers.
  UnicodeString,
  BinaryString,
  ...keywordTokens,
  Identifier,
  QuotedIdentifier,
  StringLiteral,
  NumberLiteral,
  NotEquals,
  LessEquals,
  GreaterEquals,
  Less,
  Greater,
  Equals,
  Concat,
  Plus,
  Minus,
  Star,
  Slash,
  Comma,
  Dot,
  Semicolon,
  LParen,
  RParen,
];

/** The lexer of KDA SQL (positions tracked for error excerpts). */
export const sqlLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });
