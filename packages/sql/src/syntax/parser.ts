import { EmbeddedActionsParser, type IToken, type TokenType } from "chevrotain";
import type { DatetimeUnit, IntervalQualifier } from "../types/sql-type.ts";
import type {
  CallExpression,
  CaseExpression,
  CreatePumpStatement,
  CreateStreamStatement,
  Expression,
  FrameBound,
  FromItem,
  Identifier,
  OrderItem,
  Query,
  SelectItem,
  SelectQuery,
  SourceSpan,
  StaggerClause,
  Statement,
  TypeSyntax,
  WindowFrame,
  WindowReference,
  WindowSpecification,
} from "./ast.ts";
import { sqlErrorMessages } from "./expected-words.ts";
import * as t from "./tokens.ts";

// Functions written without parentheses (SQL's niladic datetime functions).
const NILADIC = new Set([
  "CURRENT_DATE",
  "CURRENT_TIME",
  "CURRENT_TIMESTAMP",
  "LOCALTIME",
  "LOCALTIMESTAMP",
  "CURRENT_ROW_TIMESTAMP",
]);

const COMPARISONS: readonly [TokenType, string][] = [
  [t.Equals, "="],
  [t.NotEquals, "<>"],
  [t.Less, "<"],
  [t.LessEquals, "<="],
  [t.Greater, ">"],
  [t.GreaterEquals, ">="],
];

function spanOf(first: IToken, last: IToken): SourceSpan {
  return {
    start: first.startOffset,
    end: (last.endOffset ?? last.startOffset) + 1,
    line: first.startLine ?? 1,
    column: first.startColumn ?? 1,
  };
}

function joinSpans(a: SourceSpan, b: SourceSpan): SourceSpan {
  return { start: a.start, end: b.end, line: a.line, column: a.column };
}

function identifierOf(token: IToken): Identifier {
  const quoted = token.tokenType === t.QuotedIdentifier;
  const name = quoted ? token.image.slice(1, -1).replaceAll('""', '"') : token.image.toUpperCase();
  return { name, quoted, span: spanOf(token, token) };
}

function unquote(image: string): string {
  return image.slice(1, -1).replaceAll("''", "'");
}

// `u&'\0009'`: SQL's Unicode escapes, `\XXXX` and `\+XXXXXX`, with `\\` for a backslash.
function unicodeText(image: string): string {
  const body = unquote(image.slice(2));
  return body.replace(/\\(\\|[0-9A-Fa-f]{4}|\+[0-9A-Fa-f]{6})/g, (_, code: string) =>
    code === "\\" ? "\\" : String.fromCodePoint(Number.parseInt(code.replace("+", ""), 16)),
  );
}

// `{ ALT: () => valueAfter(this.CONSUME(t.Rows), "ROWS") }`: a keyword that stands for a value.
function valueAfter<T>(_token: IToken, value: T): T {
  return value;
}

function call(name: string, args: readonly Expression[], span: SourceSpan, nameSpan = span): CallExpression {
  return { kind: "call", name, args, span, nameSpan };
}

function text(value: string, span: SourceSpan): Expression {
  return { kind: "literal", type: "string", value, span };
}

/**
 * The grammar of KDA SQL (reference §2, §4, §5, §7) as a Chevrotain parser with embedded actions
 * that build the AST of `ast.ts` directly. Only syntax lives here: names are not resolved, types
 * are not checked, windows are not validated (the checker does that, with the same error format).
 */
class KdaSqlParser extends EmbeddedActionsParser {
  constructor() {
    super(t.allTokens, { maxLookahead: 3, errorMessageProvider: sqlErrorMessages });
    this.performSelfAnalysis();
  }

  private spanFrom(first: IToken): SourceSpan {
    return spanOf(first, this.LA(0));
  }

  // -------------------------------------------------------------------------------------------
  // Statements

  public script = this.RULE("script", (): Statement[] => {
    const statements: Statement[] = [];
    this.MANY(() => this.CONSUME(t.Semicolon));
    this.MANY2(() => {
      statements.push(this.SUBRULE(this.statement));
      this.MANY3(() => this.CONSUME2(t.Semicolon));
    });
    return statements;
  });

  private statement = this.RULE("statement", (): Statement => {
    const first = this.LA(1);
    return this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.createStatement) },
        {
          ALT: () => {
            const query = this.SUBRULE(this.query);
            return this.ACTION(() => ({ kind: "query" as const, query, span: this.spanFrom(first) }));
          },
        },
      ],
      ERR_MSG: "a statement (CREATE STREAM, CREATE PUMP, SELECT or VALUES)",
    });
  });

  private createStatement = this.RULE("createStatement", (): CreateStreamStatement | CreatePumpStatement => {
    const first = this.CONSUME(t.Create);
    let orReplace = false;
    this.OPTION(() => {
      this.CONSUME(t.Or);
      this.CONSUME(t.Replace);
      orReplace = true;
    });
    return this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.createStream, { ARGS: [first, orReplace] }) },
        { ALT: () => this.SUBRULE(this.createPump, { ARGS: [first, orReplace] }) },
      ],
      ERR_MSG: "STREAM or PUMP",
    });
  });

  private createStream = this.RULE(
    "createStream",
    (first: IToken, orReplace: boolean): CreateStreamStatement => {
      this.CONSUME(t.Stream);
      const name = this.SUBRULE(this.name);
      const columns: { name: Identifier; type: TypeSyntax }[] = [];
      this.CONSUME(t.LParen);
      this.AT_LEAST_ONE_SEP({
        SEP: t.Comma,
        DEF: () => {
          const column = this.SUBRULE2(this.name);
          const type = this.SUBRULE(this.typeSyntax);
          columns.push({ name: column, type });
        },
      });
      this.CONSUME(t.RParen);
      const description = this.OPTION(() => this.SUBRULE(this.description));
      return this.ACTION(() => ({
        kind: "create-stream" as const,
        orReplace,
        name,
        columns,
        ...(description === undefined ? {} : { description }),
        span: this.spanFrom(first),
      }));
    },
  );

  private description = this.RULE("description", (): string => {
    this.CONSUME(t.Description);
    const token = this.CONSUME(t.StringLiteral);
    return this.ACTION(() => unquote(token.image));
  });

  private createPump = this.RULE("createPump", (first: IToken, orReplace: boolean): CreatePumpStatement => {
    this.CONSUME(t.Pump);
    const name = this.SUBRULE(this.name);
    const description = this.OPTION(() => this.SUBRULE(this.description));
    this.CONSUME(t.As);
    this.CONSUME(t.Insert);
    this.OPTION2(() => this.CONSUME(t.Expedited));
    this.CONSUME(t.Into);
    const target = this.SUBRULE2(this.name);
    const columns = this.OPTION3(() => this.SUBRULE(this.nameList));
    const query = this.SUBRULE(this.query);
    return this.ACTION(() => ({
      kind: "create-pump" as const,
      orReplace,
      name,
      ...(description === undefined ? {} : { description }),
      target,
      ...(columns === undefined ? {} : { columns }),
      query,
      span: this.spanFrom(first),
    }));
  });

  private nameList = this.RULE("nameList", (): Identifier[] => {
    const names: Identifier[] = [];
    this.CONSUME(t.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => names.push(this.SUBRULE(this.name)) });
    this.CONSUME(t.RParen);
    return names;
  });

  // A type: the tokens are kept as source text for the function layer's type reader.
  private typeSyntax = this.RULE("typeSyntax", (): TypeSyntax => {
    const first = this.LA(1);
    this.OR({
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.Interval);
            this.SUBRULE(this.qualifier);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Double);
            this.OPTION(() => this.CONSUME(t.Precision));
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Character);
            this.OPTION2(() => this.CONSUME(t.Varying));
            this.OPTION3(() => this.SUBRULE(this.typeParameters));
          },
        },
        { ALT: () => this.CONSUME(t.DateKeyword) },
        { ALT: () => this.CONSUME(t.TimeKeyword) },
        { ALT: () => this.CONSUME(t.TimestampKeyword) },
        {
          ALT: () => {
            this.CONSUME(t.Identifier);
            this.OPTION4(() => this.SUBRULE2(this.typeParameters));
          },
        },
      ],
      ERR_MSG: "a type (INTEGER, VARCHAR(n), TIMESTAMP, ...)",
    });
    const last = this.LA(0);
    let notNull = false;
    this.OPTION5(() => {
      this.CONSUME(t.Not);
      this.CONSUME(t.Null);
      notNull = true;
    });
    return this.ACTION(() => {
      const span = spanOf(first, last);
      return { kind: "type" as const, text: this.input.length ? this.textOf(span) : "", notNull, span };
    });
  });

  private typeParameters = this.RULE("typeParameters", () => {
    this.CONSUME(t.LParen);
    this.CONSUME(t.NumberLiteral);
    this.OPTION(() => {
      this.CONSUME(t.Comma);
      this.CONSUME2(t.NumberLiteral);
    });
    this.CONSUME(t.RParen);
  });

  /** The SQL text being parsed (set by {@link parseTokens}), for type text. */
  sourceText = "";

  private textOf(span: SourceSpan): string {
    return this.sourceText.slice(span.start, span.end);
  }

  // -------------------------------------------------------------------------------------------
  // Queries

  public query = this.RULE("query", (): Query => {
    const first = this.LA(1);
    const queries: Query[] = [this.SUBRULE(this.queryTerm)];
    let all = true;
    this.MANY(() => {
      this.CONSUME(t.Union);
      this.OPTION(() => this.CONSUME(t.All));
      this.OPTION2(() => {
        this.CONSUME(t.Distinct);
        all = false;
      });
      queries.push(this.SUBRULE2(this.queryTerm));
    });
    const ordering = this.OPTION3(() => this.SUBRULE(this.orderBy));
    return this.ACTION((): Query => {
      const span = this.spanFrom(first);
      const only = queries[0]!;
      if (queries.length === 1) {
        if (ordering === undefined) return only;
        if (only.kind === "select") {
          const within = ordering.within === undefined ? {} : { within: ordering.within };
          return { ...only, orderBy: ordering.items, ...within, span };
        }
      }
      return { kind: "union", all, queries, orderBy: ordering?.items ?? [], span };
    });
  });

  private orderBy = this.RULE("orderBy", (): { items: OrderItem[]; within?: Expression } => {
    this.CONSUME(t.Order);
    this.CONSUME(t.By);
    const items = this.SUBRULE(this.orderItems);
    const within = this.OPTION(() => {
      this.CONSUME(t.Within);
      return this.SUBRULE(this.expression);
    });
    return within === undefined ? { items } : { items, within };
  });

  private orderItems = this.RULE("orderItems", (): OrderItem[] => {
    const items: OrderItem[] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: t.Comma,
      DEF: () => {
        const expression = this.SUBRULE(this.expression);
        let descending = false;
        this.OPTION(() =>
          this.OR([{ ALT: () => this.CONSUME(t.Asc) }, { ALT: () => (descending = !!this.CONSUME(t.Desc)) }]),
        );
        items.push({ expression, descending });
      },
    });
    return items;
  });

  private queryTerm = this.RULE("queryTerm", (): Query => {
    return this.OR({
      DEF: [
        { ALT: () => this.SUBRULE(this.select) },
        { ALT: () => this.SUBRULE(this.values) },
        {
          ALT: () => {
            this.CONSUME(t.LParen);
            const query = this.SUBRULE(this.query);
            this.CONSUME(t.RParen);
            return query;
          },
        },
      ],
      ERR_MSG: "SELECT or VALUES",
    });
  });

  private values = this.RULE("values", (): Query => {
    const first = this.CONSUME(t.Values);
    const rows: Expression[][] = [];
    this.AT_LEAST_ONE_SEP({
      SEP: t.Comma,
      DEF: () => {
        // `VALUES (1, 2)` is a row; the reference also writes `VALUES INTERVAL '1' DAY` (one value).
        rows.push(
          this.OR([
            { ALT: () => this.SUBRULE(this.expressionList) },
            { GATE: () => this.LA(1).tokenType !== t.LParen, ALT: () => [this.SUBRULE(this.expression)] },
          ]),
        );
      },
    });
    return this.ACTION(() => ({ kind: "values" as const, rows, span: this.spanFrom(first) }));
  });

  private expressionList = this.RULE("expressionList", (): Expression[] => {
    const list: Expression[] = [];
    this.CONSUME(t.LParen);
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
    this.CONSUME(t.RParen);
    return list;
  });

  private select = this.RULE("select", (): SelectQuery => {
    const first = this.CONSUME(t.Select);
    const stream = this.OPTION(() => !!this.CONSUME(t.Stream)) ?? false;
    let distinct = false;
    this.OPTION2(() =>
      this.OR([{ ALT: () => (distinct = !!this.CONSUME(t.Distinct)) }, { ALT: () => this.CONSUME(t.All) }]),
    );
    const items: SelectItem[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => items.push(this.SUBRULE(this.selectItem)) });
    this.CONSUME(t.From);
    const from = this.SUBRULE(this.fromClause);
    const where = this.OPTION3(() => {
      this.CONSUME(t.Where);
      return this.SUBRULE(this.expression);
    });
    let groupBy: Expression[] = [];
    let stagger: StaggerClause | undefined;
    this.OPTION4(() =>
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(t.Group);
            this.CONSUME(t.By);
            groupBy = this.SUBRULE(this.expressions);
          },
        },
        { ALT: () => (stagger = this.SUBRULE(this.staggerClause)) },
      ]),
    );
    const having = this.OPTION5(() => {
      this.CONSUME(t.Having);
      return this.SUBRULE2(this.expression);
    });
    const windows: { name: Identifier; spec: WindowSpecification }[] = [];
    this.OPTION6(() => {
      this.CONSUME(t.Window);
      this.AT_LEAST_ONE_SEP2({
        SEP: t.Comma,
        DEF: () => {
          const name = this.SUBRULE(this.name);
          this.CONSUME(t.As);
          windows.push({ name, spec: this.SUBRULE(this.windowSpecification) });
        },
      });
    });
    return this.ACTION(() => ({
      kind: "select" as const,
      stream,
      distinct,
      items,
      from,
      ...(where === undefined ? {} : { where }),
      groupBy,
      ...(stagger === undefined ? {} : { stagger }),
      ...(having === undefined ? {} : { having }),
      windows,
      orderBy: [],
      span: this.spanFrom(first),
    }));
  });

  private expressions = this.RULE("expressions", (): Expression[] => {
    const list: Expression[] = [];
    this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => list.push(this.SUBRULE(this.expression)) });
    return list;
  });

  private staggerClause = this.RULE("staggerClause", (): StaggerClause => {
    const first = this.CONSUME(t.Windowed);
    this.CONSUME(t.By);
    this.CONSUME(t.Stagger);
    this.CONSUME(t.LParen);
    this.CONSUME(t.Partition);
    this.CONSUME2(t.By);
    const partitionBy = this.SUBRULE(this.expressions);
    this.CONSUME(t.Range);
    const range = this.SUBRULE(this.expression);
    this.CONSUME(t.RParen);
    return this.ACTION(() => ({ partitionBy, range, span: this.spanFrom(first) }));
  });

  private selectItem = this.RULE("selectItem", (): SelectItem => {
    const first = this.LA(1);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Star);
          return this.ACTION(() => ({ kind: "star" as const, span: this.spanFrom(first) }));
        },
      },
      {
        GATE: () => this.LA(2).tokenType === t.Dot && this.LA(3).tokenType === t.Star,
        ALT: () => {
          const qualifier = this.SUBRULE(this.name);
          this.CONSUME(t.Dot);
          this.CONSUME2(t.Star);
          return this.ACTION(() => ({ kind: "star" as const, qualifier, span: this.spanFrom(first) }));
        },
      },
      {
        ALT: () => {
          const expression = this.SUBRULE(this.expression);
          const alias = this.OPTION(() => this.SUBRULE(this.alias));
          return this.ACTION(() => ({
            kind: "expression" as const,
            expression,
            ...(alias === undefined ? {} : { alias }),
            span: this.spanFrom(first),
          }));
        },
      },
    ]);
  });

  // `[AS] alias`: without AS only a plain or quoted name, never a keyword.
  private alias = this.RULE("alias", (): Identifier => {
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(t.As);
          return this.SUBRULE(this.name);
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(t.Identifier);
          return this.ACTION(() => identifierOf(token));
        },
      },
      {
        ALT: () => {
          const token = this.CONSUME(t.QuotedIdentifier);
          return this.ACTION(() => identifierOf(token));
        },
      },
    ]);
  });

  private fromClause = this.RULE("fromClause", (): FromItem => {
    const first = this.LA(1);
    let item = this.SUBRULE(this.fromItem);
    this.MANY(() =>
      this.OR([
        {
          ALT: () => {
            this.CONSUME(t.Comma);
            const right = this.SUBRULE2(this.fromItem);
            item = this.ACTION(() => ({
              kind: "join" as const,
              join: "CROSS" as const,
              natural: false,
              left: item,
              right,
              span: this.spanFrom(first),
            }));
          },
        },
        { ALT: () => (item = this.SUBRULE(this.joinClause, { ARGS: [item, first] })) },
      ]),
    );
    return item;
  });

  private joinClause = this.RULE("joinClause", (left: FromItem, first: IToken): FromItem => {
    const natural = this.OPTION(() => !!this.CONSUME(t.Natural)) ?? false;
    let join: "INNER" | "LEFT" | "RIGHT" | "FULL" | "CROSS" = "INNER";
    this.OPTION2(() =>
      this.OR([
        { ALT: () => this.CONSUME(t.Inner) },
        { ALT: () => (join = this.SUBRULE(this.outerJoinKind)) },
        {
          ALT: () => {
            this.CONSUME(t.Cross);
            join = "CROSS";
          },
        },
      ]),
    );
    this.CONSUME(t.Join);
    const right = this.SUBRULE(this.fromItem);
    let on: Expression | undefined;
    let using: Identifier[] | undefined;
    this.OPTION3(() =>
      this.OR2([
        {
          ALT: () => {
            this.CONSUME(t.On);
            on = this.SUBRULE(this.expression);
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Using);
            using = this.SUBRULE(this.nameList);
          },
        },
      ]),
    );
    return this.ACTION(() => ({
      kind: "join" as const,
      join,
      natural,
      left,
      right,
      ...(on === undefined ? {} : { on }),
      ...(using === undefined ? {} : { using }),
      span: this.spanFrom(first),
    }));
  });

  private outerJoinKind = this.RULE("outerJoinKind", (): "LEFT" | "RIGHT" | "FULL" => {
    const kind = this.OR([
      { ALT: () => valueAfter(this.CONSUME(t.Left), "LEFT" as const) },
      { ALT: () => valueAfter(this.CONSUME(t.Right), "RIGHT" as const) },
      { ALT: () => valueAfter(this.CONSUME(t.Full), "FULL" as const) },
    ]);
    this.OPTION(() => this.CONSUME(t.Outer));
    return kind;
  });

  private fromItem = this.RULE("fromItem", (): FromItem => {
    const first = this.LA(1);
    const source = this.OR({
      DEF: [
        {
          ALT: () => {
            const name = this.SUBRULE(this.qualifiedName);
            return { kind: "stream" as const, name };
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.LParen);
            const query = this.SUBRULE(this.query);
            this.CONSUME(t.RParen);
            return { kind: "subquery" as const, query };
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Table);
            this.CONSUME2(t.LParen);
            const fn = this.SUBRULE(this.functionCall);
            this.CONSUME2(t.RParen);
            return { kind: "table-function" as const, call: fn };
          },
        },
      ],
      ERR_MSG: "a stream, a table, a subquery in parentheses or TABLE(...)",
    });
    const window = this.OPTION(() => {
      this.CONSUME(t.Over);
      return this.SUBRULE(this.windowReference);
    });
    const alias = this.OPTION2(() => this.SUBRULE(this.alias));
    const columnAliases = this.OPTION3(() => this.SUBRULE(this.nameList));
    return this.ACTION(() => ({
      ...source,
      ...(alias === undefined ? {} : { alias }),
      ...(columnAliases === undefined ? {} : { columnAliases }),
      ...(window === undefined ? {} : { window }),
      span: this.spanFrom(first),
    }));
  });

  private qualifiedName = this.RULE("qualifiedName", (): Identifier[] => {
    const parts = [this.SUBRULE(this.name)];
    this.MANY(() => {
      this.CONSUME(t.Dot);
      parts.push(this.SUBRULE2(this.name));
    });
    return parts;
  });

  // -------------------------------------------------------------------------------------------
  // Windows

  private windowReference = this.RULE("windowReference", (): WindowReference => {
    return this.OR([
      { ALT: () => ({ kind: "named" as const, name: this.SUBRULE(this.name) }) },
      { ALT: () => ({ kind: "inline" as const, spec: this.SUBRULE(this.windowSpecification) }) },
    ]);
  });

  private windowSpecification = this.RULE("windowSpecification", (): WindowSpecification => {
    const first = this.CONSUME(t.LParen);
    const base = this.OPTION(() => this.SUBRULE(this.name));
    let partitionBy: Expression[] = [];
    this.OPTION2(() => {
      this.CONSUME(t.Partition);
      this.CONSUME(t.By);
      partitionBy = this.SUBRULE(this.expressions);
    });
    let orderBy: OrderItem[] = [];
    this.OPTION3(() => {
      this.CONSUME(t.Order);
      this.CONSUME2(t.By);
      orderBy = this.SUBRULE(this.orderItems);
    });
    const frame = this.OPTION4(() => this.SUBRULE(this.windowFrame));
    this.CONSUME(t.RParen);
    return this.ACTION(() => ({
      ...(base === undefined ? {} : { base }),
      partitionBy,
      orderBy,
      ...(frame === undefined ? {} : { frame }),
      span: this.spanFrom(first),
    }));
  });

  private windowFrame = this.RULE("windowFrame", (): WindowFrame => {
    const first = this.LA(1);
    const unit = this.OR([
      { ALT: () => valueAfter(this.CONSUME(t.Rows), "ROWS" as const) },
      { ALT: () => valueAfter(this.CONSUME(t.Range), "RANGE" as const) },
    ]);
    return this.OR2([
      {
        ALT: () => {
          this.CONSUME(t.Between);
          const start = this.SUBRULE(this.frameBound);
          this.CONSUME(t.And);
          const end = this.SUBRULE2(this.frameBound);
          return this.ACTION(() => ({ unit, start, end, span: this.spanFrom(first) }));
        },
      },
      {
        ALT: () => {
          const start = this.SUBRULE3(this.frameBound);
          return this.ACTION(() => ({ unit, start, span: this.spanFrom(first) }));
        },
      },
    ]);
  });

  private frameBound = this.RULE("frameBound", (): FrameBound => {
    return this.OR({
      DEF: [
        {
          ALT: () => {
            this.CONSUME(t.Current);
            this.CONSUME(t.Row);
            return { kind: "current-row" as const };
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Unbounded);
            return this.OR2([
              { ALT: () => valueAfter(this.CONSUME(t.Preceding), { kind: "unbounded-preceding" as const }) },
              { ALT: () => valueAfter(this.CONSUME(t.Following), { kind: "unbounded-following" as const }) },
            ]);
          },
        },
        {
          ALT: () => {
            const offset = this.SUBRULE(this.additive);
            return this.OR3([
              { ALT: () => valueAfter(this.CONSUME2(t.Preceding), { kind: "preceding" as const, offset }) },
              { ALT: () => valueAfter(this.CONSUME2(t.Following), { kind: "following" as const, offset }) },
            ]);
          },
        },
      ],
      ERR_MSG: "n PRECEDING, INTERVAL '...' unit PRECEDING or CURRENT ROW",
    });
  });

  // -------------------------------------------------------------------------------------------
  // Expressions, loosest first. Precedence (A12): OR < AND < IS TRUE/FALSE/UNKNOWN < NOT <
  // comparisons, IS NULL, BETWEEN, IN, LIKE, SIMILAR TO < || < + - < * / < unary - +.

  public expression = this.RULE("expression", (): Expression => this.SUBRULE(this.disjunction));

  private disjunction = this.RULE(
    "disjunction",
    (): Expression => this.logicalChain(t.Or, "OR", this.conjunction),
  );

  private conjunction = this.RULE(
    "conjunction",
    (): Expression => this.logicalChain(t.And, "AND", this.truthTest),
  );

  // `operand (op operand)*`, folded to the left.
  private logicalChain(op: TokenType, name: "AND" | "OR", operand: () => Expression): Expression {
    let left = this.SUBRULE(operand);
    this.MANY(() => {
      this.CONSUME(op);
      const right = this.SUBRULE2(operand);
      left = this.ACTION(() => ({
        kind: "logical" as const,
        op: name,
        args: [left, right],
        span: joinSpans(left.span, right.span),
      }));
    });
    return left;
  }

  // `NOT UNKNOWN IS TRUE` is FALSE on the logical-operators page: IS TRUE applies to NOT's result.
  private truthTest = this.RULE("truthTest", (): Expression => {
    const first = this.LA(1);
    let arg = this.SUBRULE(this.negation);
    this.MANY(() => {
      this.CONSUME(t.Is);
      const negated = this.OPTION(() => !!this.CONSUME(t.Not)) ?? false;
      const test = this.OR([
        { ALT: () => valueAfter(this.CONSUME(t.True), "TRUE" as const) },
        { ALT: () => valueAfter(this.CONSUME(t.False), "FALSE" as const) },
        { ALT: () => valueAfter(this.CONSUME(t.Unknown), "UNKNOWN" as const) },
      ]);
      arg = this.ACTION(() => ({ kind: "is" as const, test, negated, arg, span: this.spanFrom(first) }));
    });
    return arg;
  });

  private negation = this.RULE("negation", (): Expression => {
    return this.OR([
      {
        ALT: () => {
          const first = this.CONSUME(t.Not);
          const arg = this.SUBRULE(this.negation);
          return this.ACTION(() => ({
            kind: "logical" as const,
            op: "NOT" as const,
            args: [arg],
            span: this.spanFrom(first),
          }));
        },
      },
      { ALT: () => this.SUBRULE(this.predicate) },
    ]);
  });

  private predicate = this.RULE("predicate", (): Expression => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.concatenation);
    this.MANY({
      GATE: () => this.continuesPredicate(),
      DEF: () => {
        left = this.OR([
          {
            ALT: () => {
              const op = this.OR2(COMPARISONS.map(([token]) => ({ ALT: () => this.CONSUME(token) })));
              const right = this.SUBRULE2(this.concatenation);
              return this.ACTION(() => {
                const name = COMPARISONS.find(([token]) => token === op.tokenType)![1];
                return call(name, [left, right], this.spanFrom(first), spanOf(op, op));
              });
            },
          },
          {
            // IS [NOT] NULL, IS [NOT] DISTINCT FROM (IS TRUE/FALSE/UNKNOWN is looser, see truthTest)
            GATE: () => {
              const next = this.LA(2).tokenType === t.Not ? this.LA(3) : this.LA(2);
              return next.tokenType === t.Null || next.tokenType === t.Distinct;
            },
            ALT: () => {
              this.CONSUME(t.Is);
              const negated = this.OPTION(() => !!this.CONSUME(t.Not)) ?? false;
              return this.OR3([
                {
                  ALT: () => {
                    this.CONSUME(t.Null);
                    return this.ACTION(() => ({
                      kind: "is" as const,
                      test: "NULL" as const,
                      negated,
                      arg: left,
                      span: this.spanFrom(first),
                    }));
                  },
                },
                {
                  ALT: () => {
                    this.CONSUME(t.Distinct);
                    this.CONSUME(t.From);
                    const other = this.SUBRULE3(this.concatenation);
                    return this.ACTION(() => ({
                      kind: "is" as const,
                      test: "DISTINCT FROM" as const,
                      negated,
                      arg: left,
                      other,
                      span: this.spanFrom(first),
                    }));
                  },
                },
              ]);
            },
          },
          { ALT: () => this.SUBRULE(this.negatablePredicate, { ARGS: [left, first] }) },
        ]);
      },
    });
    return left;
  });

  // `x IS TRUE` belongs to truthTest; `SUBSTRING(s SIMILAR p ESCAPE e)` is not `SIMILAR TO`.
  private continuesPredicate(): boolean {
    const next = this.LA(1).tokenType;
    if (next === t.Is) {
      const after = this.LA(2).tokenType === t.Not ? this.LA(3).tokenType : this.LA(2).tokenType;
      return after === t.Null || after === t.Distinct;
    }
    const operator = next === t.Not ? this.LA(2) : this.LA(1);
    const following = next === t.Not ? this.LA(3) : this.LA(2);
    if (operator.tokenType === t.Similar) return following.tokenType === t.To;
    return true;
  }

  // [NOT] BETWEEN / IN / LIKE / SIMILAR TO
  private negatablePredicate = this.RULE(
    "negatablePredicate",
    (left: Expression, first: IToken): Expression => {
      const negated = this.OPTION(() => !!this.CONSUME(t.Not)) ?? false;
      const positive = this.OR([
        {
          ALT: () => {
            this.CONSUME(t.Between);
            let symmetric = false;
            this.OPTION2(() =>
              this.OR2([
                { ALT: () => (symmetric = !!this.CONSUME(t.Symmetric)) },
                { ALT: () => this.CONSUME(t.Asymmetric) },
              ]),
            );
            const low = this.SUBRULE(this.concatenation);
            this.CONSUME(t.And);
            const high = this.SUBRULE2(this.concatenation);
            return this.ACTION(() => ({
              kind: "between" as const,
              negated,
              symmetric,
              arg: left,
              low,
              high,
              span: this.spanFrom(first),
            }));
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.In);
            const list = this.SUBRULE(this.expressionList);
            return this.ACTION(() => ({
              kind: "in" as const,
              negated,
              arg: left,
              list,
              span: this.spanFrom(first),
            }));
          },
        },
        {
          ALT: () => {
            const op = this.OR3([
              { ALT: () => valueAfter(this.CONSUME(t.Like), "LIKE") },
              {
                ALT: () => {
                  this.CONSUME(t.Similar);
                  this.CONSUME(t.To);
                  return "SIMILAR TO";
                },
              },
            ]);
            const pattern = this.SUBRULE3(this.concatenation);
            const escapeCharacter = this.OPTION3(() => {
              this.CONSUME(t.Escape);
              return this.SUBRULE4(this.concatenation);
            });
            return this.ACTION(() => {
              const args = escapeCharacter === undefined ? [left, pattern] : [left, pattern, escapeCharacter];
              const matched = call(op, args, this.spanFrom(first));
              return negated
                ? { kind: "logical" as const, op: "NOT" as const, args: [matched], span: matched.span }
                : matched;
            });
          },
        },
      ]);
      return positive;
    },
  );

  private concatenation = this.RULE("concatenation", (): Expression => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.additive);
    this.MANY(() => {
      const op = this.CONSUME(t.Concat);
      const right = this.SUBRULE2(this.additive);
      left = this.ACTION(() => call("||", [left, right], this.spanFrom(first), spanOf(op, op)));
    });
    return left;
  });

  private additive = this.RULE("additive", (): Expression => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(t.Plus) }, { ALT: () => this.CONSUME(t.Minus) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => call(op.image, [left, right], this.spanFrom(first), spanOf(op, op)));
    });
    return left;
  });

  private multiplicative = this.RULE("multiplicative", (): Expression => {
    const first = this.LA(1);
    let left = this.SUBRULE(this.unary);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(t.Star) }, { ALT: () => this.CONSUME(t.Slash) }]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => call(op.image, [left, right], this.spanFrom(first), spanOf(op, op)));
    });
    return left;
  });

  private unary = this.RULE("unary", (): Expression => {
    return this.OR([
      {
        ALT: () => {
          const op = this.CONSUME(t.Minus);
          const arg = this.SUBRULE(this.unary);
          return this.ACTION(() => {
            // A negative number literal stays a literal (its type is the number's).
            if (arg.kind === "literal" && arg.type === "number")
              return { ...arg, text: `-${arg.text}`, span: this.spanFrom(op) };
            return call("NEGATE", [arg], this.spanFrom(op), spanOf(op, op));
          });
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Plus);
          return this.SUBRULE2(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.postfix) },
    ]);
  });

  // `(expr).field` and `(a - b) DAY TO SECOND`
  private postfix = this.RULE("postfix", (): Expression => {
    const first = this.LA(1);
    let arg = this.SUBRULE(this.primary);
    this.MANY(() => {
      this.CONSUME(t.Dot);
      const field = this.SUBRULE(this.name);
      arg = this.ACTION(() => ({ kind: "field" as const, arg, field, span: this.spanFrom(first) }));
    });
    return arg;
  });

  private primary = this.RULE("primary", (): Expression => {
    const first = this.LA(1);
    return this.OR({
      DEF: [
        {
          ALT: () => {
            const token = this.CONSUME(t.NumberLiteral);
            return this.ACTION(() => ({
              kind: "literal" as const,
              type: "number" as const,
              text: token.image,
              span: spanOf(token, token),
            }));
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(t.StringLiteral);
            return this.ACTION(() => text(unquote(token.image), spanOf(token, token)));
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(t.UnicodeString);
            return this.ACTION(() => text(unicodeText(token.image), spanOf(token, token)));
          },
        },
        {
          ALT: () => {
            const token = this.CONSUME(t.BinaryString);
            return this.ACTION(() => ({
              kind: "literal" as const,
              type: "binary" as const,
              hex: token.image.slice(2, -1).replace(/\s+/g, ""),
              span: spanOf(token, token),
            }));
          },
        },
        { ALT: () => this.SUBRULE(this.booleanLiteral) },
        {
          ALT: () => {
            const token = this.CONSUME(t.Null);
            return this.ACTION(() => ({
              kind: "literal" as const,
              type: "null" as const,
              span: spanOf(token, token),
            }));
          },
        },
        { ALT: () => this.SUBRULE(this.datetimeLiteral) },
        { ALT: () => this.SUBRULE(this.intervalLiteral) },
        { ALT: () => this.SUBRULE(this.caseExpression) },
        { ALT: () => this.SUBRULE(this.specialCall) },
        {
          ALT: () => {
            this.CONSUME(t.Cursor);
            this.CONSUME(t.LParen);
            const query = this.SUBRULE(this.query);
            this.CONSUME(t.RParen);
            return this.ACTION(() => ({ kind: "cursor" as const, query, span: this.spanFrom(first) }));
          },
        },
        {
          GATE: () => this.LA(2).tokenType === t.LParen,
          ALT: () => this.SUBRULE(this.functionCall),
        },
        { ALT: () => this.SUBRULE(this.nameOrNiladic) },
        { ALT: () => this.SUBRULE(this.parenthesized) },
      ],
      ERR_MSG: "an expression",
    });
  });

  private booleanLiteral = this.RULE("booleanLiteral", (): Expression => {
    const token = this.OR([
      { ALT: () => this.CONSUME(t.True) },
      { ALT: () => this.CONSUME(t.False) },
      { ALT: () => this.CONSUME(t.Unknown) },
    ]);
    return this.ACTION(() => {
      const value = token.tokenType === t.True ? true : token.tokenType === t.False ? false : null;
      return { kind: "literal" as const, type: "boolean" as const, value, span: spanOf(token, token) };
    });
  });

  private datetimeLiteral = this.RULE("datetimeLiteral", (): Expression => {
    const kind = this.OR([
      { ALT: () => this.CONSUME(t.DateKeyword) },
      { ALT: () => this.CONSUME(t.TimeKeyword) },
      { ALT: () => this.CONSUME(t.TimestampKeyword) },
    ]);
    const value = this.CONSUME(t.StringLiteral);
    return this.ACTION(() => ({
      kind: "literal" as const,
      type: "datetime" as const,
      datetime: kind.image.toUpperCase() as "DATE" | "TIME" | "TIMESTAMP",
      text: unquote(value.image),
      span: spanOf(kind, value),
    }));
  });

  private intervalLiteral = this.RULE("intervalLiteral", (): Expression => {
    const first = this.CONSUME(t.Interval);
    let negative = false;
    this.OPTION(() =>
      this.OR([{ ALT: () => (negative = !!this.CONSUME(t.Minus)) }, { ALT: () => this.CONSUME(t.Plus) }]),
    );
    const value = this.CONSUME(t.StringLiteral);
    const qualifier = this.SUBRULE(this.qualifier);
    return this.ACTION(() => ({
      kind: "literal" as const,
      type: "interval" as const,
      text: unquote(value.image),
      negative,
      qualifier,
      span: this.spanFrom(first),
    }));
  });

  public qualifier = this.RULE("qualifier", (): IntervalQualifier => {
    const start = this.SUBRULE(this.unit);
    let startPrecision: number | undefined;
    let fractionalPrecision: number | undefined;
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      startPrecision = Number(this.CONSUME(t.NumberLiteral).image);
      this.OPTION2(() => {
        this.CONSUME(t.Comma);
        fractionalPrecision = Number(this.CONSUME2(t.NumberLiteral).image);
      });
      this.CONSUME(t.RParen);
    });
    let end: DatetimeUnit | undefined;
    this.OPTION3(() => {
      this.CONSUME(t.To);
      end = this.SUBRULE2(this.unit);
      this.OPTION4(() => {
        this.CONSUME2(t.LParen);
        fractionalPrecision = Number(this.CONSUME3(t.NumberLiteral).image);
        this.CONSUME2(t.RParen);
      });
    });
    return {
      start,
      ...(end === undefined ? {} : { end }),
      ...(startPrecision === undefined ? {} : { startPrecision }),
      ...(fractionalPrecision === undefined ? {} : { fractionalPrecision }),
    };
  });

  private unit = this.RULE("unit", (): DatetimeUnit => {
    const token = this.OR({
      DEF: t.UNIT_TOKENS.map((unit) => ({ ALT: () => this.CONSUME(unit) })),
      ERR_MSG: "a unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND)",
    });
    return this.ACTION(() => token.image.toUpperCase() as DatetimeUnit);
  });

  private caseExpression = this.RULE("caseExpression", (): CaseExpression => {
    const first = this.CONSUME(t.Case);
    const operand = this.OPTION(() => this.SUBRULE(this.expression));
    const branches: { when: Expression; result: Expression }[] = [];
    this.AT_LEAST_ONE(() => {
      this.CONSUME(t.When);
      const when = this.SUBRULE2(this.expression);
      this.CONSUME(t.Then);
      const result = this.SUBRULE3(this.expression);
      branches.push({ when, result });
    });
    const otherwise = this.OPTION2(() => {
      this.CONSUME(t.Else);
      return this.SUBRULE4(this.expression);
    });
    this.CONSUME(t.End);
    return this.ACTION(() => ({
      kind: "case" as const,
      ...(operand === undefined ? {} : { operand }),
      branches,
      ...(otherwise === undefined ? {} : { otherwise }),
      span: this.spanFrom(first),
    }));
  });

  // Functions with their own argument syntax, lowered to plain calls (see builtinFunctions()).
  private specialCall = this.RULE("specialCall", (): Expression => {
    const first = this.LA(1);
    const lowered = this.OR([
      {
        ALT: () => {
          this.CONSUME(t.Cast);
          this.CONSUME(t.LParen);
          const arg = this.SUBRULE(this.expression);
          this.CONSUME(t.As);
          const type = this.SUBRULE(this.typeSyntax);
          return this.ACTION(() => ({ name: "CAST", args: [arg, text(type.text, type.span)] }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Extract);
          this.CONSUME2(t.LParen);
          const unitToken = this.LA(1);
          const unit = this.SUBRULE(this.unit);
          this.CONSUME(t.From);
          const arg = this.SUBRULE2(this.expression);
          return this.ACTION(() => ({
            name: "EXTRACT",
            args: [text(unit, spanOf(unitToken, unitToken)), arg],
          }));
        },
      },
      {
        ALT: () => {
          const fn = this.OR2([
            { ALT: () => this.CONSUME(t.Floor) },
            { ALT: () => this.CONSUME(t.Ceil) },
            { ALT: () => this.CONSUME(t.Ceiling) },
          ]);
          this.CONSUME3(t.LParen);
          const arg = this.SUBRULE3(this.expression);
          const unit = this.OPTION(() => {
            this.CONSUME(t.To);
            const unitToken = this.LA(1);
            const name = this.SUBRULE2(this.unit);
            return this.ACTION(() => text(name, spanOf(unitToken, unitToken)));
          });
          return this.ACTION(() => ({
            name: fn.image.toUpperCase(),
            args: unit === undefined ? [arg] : [arg, unit],
          }));
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Step);
          this.CONSUME4(t.LParen);
          const arg = this.SUBRULE4(this.expression);
          this.CONSUME(t.By);
          const width = this.SUBRULE5(this.expression);
          return { name: "STEP", args: [arg, width] };
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Position);
          this.CONSUME5(t.LParen);
          const needle = this.SUBRULE(this.concatenation);
          this.CONSUME(t.In);
          const haystack = this.SUBRULE6(this.expression);
          return { name: "POSITION", args: [needle, haystack] };
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Overlay);
          this.CONSUME6(t.LParen);
          const target = this.SUBRULE7(this.expression);
          this.CONSUME(t.Placing);
          const replacement = this.SUBRULE8(this.expression);
          this.CONSUME2(t.From);
          const start = this.SUBRULE9(this.expression);
          const length = this.OPTION2(() => {
            this.CONSUME(t.For);
            return this.SUBRULE2(this.concatenation);
          });
          return {
            name: "OVERLAY",
            args: length === undefined ? [target, replacement, start] : [target, replacement, start, length],
          };
        },
      },
      { ALT: () => this.SUBRULE(this.substringCall) },
      { ALT: () => this.SUBRULE(this.trimCall) },
    ]);
    this.CONSUME(t.RParen);
    return this.ACTION(() => call(lowered.name, lowered.args, this.spanFrom(first), spanOf(first, first)));
  });

  private substringCall = this.RULE("substringCall", (): { name: string; args: Expression[] } => {
    this.CONSUME(t.Substring);
    this.CONSUME(t.LParen);
    const source = this.SUBRULE(this.expression);
    return this.OR([
      {
        ALT: () => {
          this.CONSUME(t.From);
          const start = this.SUBRULE2(this.expression);
          const length = this.OPTION(() => {
            this.CONSUME(t.For);
            return this.SUBRULE3(this.expression);
          });
          return {
            name: "SUBSTRING FROM",
            args: length === undefined ? [source, start] : [source, start, length],
          };
        },
      },
      {
        ALT: () => {
          this.CONSUME(t.Similar);
          const pattern = this.SUBRULE4(this.expression);
          this.CONSUME(t.Escape);
          const escapeCharacter = this.SUBRULE5(this.expression);
          return { name: "SUBSTRING SIMILAR", args: [source, pattern, escapeCharacter] };
        },
      },
      {
        ALT: () => {
          const args = [source];
          this.AT_LEAST_ONE(() => {
            this.CONSUME(t.Comma);
            args.push(this.SUBRULE6(this.expression));
          });
          return { name: "SUBSTRING", args };
        },
      },
    ]);
  });

  private trimCall = this.RULE("trimCall", (): { name: string; args: Expression[] } => {
    const first = this.CONSUME(t.Trim);
    this.CONSUME(t.LParen);
    const space = (): Expression => text(" ", spanOf(first, first));
    return this.OR([
      {
        ALT: () => {
          const side = this.OR2([
            { ALT: () => this.CONSUME(t.Leading) },
            { ALT: () => this.CONSUME(t.Trailing) },
            { ALT: () => this.CONSUME(t.Both) },
          ]);
          const character = this.OPTION(() => this.SUBRULE(this.concatenation));
          this.CONSUME(t.From);
          const source = this.SUBRULE(this.expression);
          return this.ACTION(() => ({
            name: "TRIM",
            args: [text(side.image.toUpperCase(), spanOf(side, side)), character ?? space(), source],
          }));
        },
      },
      {
        ALT: () => {
          const head = this.SUBRULE2(this.expression);
          const source = this.OPTION2(() => {
            this.CONSUME2(t.From);
            return this.SUBRULE3(this.expression);
          });
          return this.ACTION(() => ({
            name: "TRIM",
            args: source === undefined ? [head] : [text("BOTH", spanOf(first, first)), head, source],
          }));
        },
      },
    ]);
  });

  public functionCall = this.RULE("functionCall", (): CallExpression => {
    const nameToken = this.LA(1);
    const name = this.SUBRULE(this.name);
    this.CONSUME(t.LParen);
    let distinct = false;
    let star = false;
    const args: Expression[] = [];
    this.OPTION(() =>
      this.OR([
        { ALT: () => (star = !!this.CONSUME(t.Star)) },
        {
          ALT: () => {
            this.OPTION2(() =>
              this.OR2([
                { ALT: () => (distinct = !!this.CONSUME(t.Distinct)) },
                { ALT: () => this.CONSUME(t.All) },
              ]),
            );
            this.AT_LEAST_ONE_SEP({ SEP: t.Comma, DEF: () => args.push(this.SUBRULE(this.expression)) });
          },
        },
      ]),
    );
    this.CONSUME(t.RParen);
    let nulls: "ignore" | "respect" | undefined;
    this.OPTION3(() => {
      nulls = this.OR3([
        { ALT: () => valueAfter(this.CONSUME(t.Ignore), "ignore" as const) },
        { ALT: () => valueAfter(this.CONSUME(t.Respect), "respect" as const) },
      ]);
      this.CONSUME(t.Nulls);
    });
    let from: "first" | "last" | undefined;
    this.OPTION4({
      GATE: () => this.LA(2).tokenType === t.First || this.LA(2).tokenType === t.Last,
      DEF: () => {
        this.CONSUME(t.From);
        from = this.OR4([
          { ALT: () => valueAfter(this.CONSUME(t.First), "first" as const) },
          { ALT: () => valueAfter(this.CONSUME(t.Last), "last" as const) },
        ]);
      },
    });
    const over = this.OPTION5(() => {
      this.CONSUME(t.Over);
      return this.SUBRULE(this.windowReference);
    });
    return this.ACTION(() => ({
      kind: "call" as const,
      name: name.quoted ? name.name : name.name.toUpperCase(),
      args,
      ...(distinct ? { distinct } : {}),
      ...(star ? { star } : {}),
      ...(nulls === undefined ? {} : { nulls }),
      ...(from === undefined ? {} : { from }),
      ...(over === undefined ? {} : { over }),
      nameSpan: spanOf(nameToken, nameToken),
      span: this.spanFrom(nameToken),
    }));
  });

  private nameOrNiladic = this.RULE("nameOrNiladic", (): Expression => {
    const first = this.LA(1);
    const parts = this.SUBRULE(this.qualifiedName);
    return this.ACTION(() => {
      const span = this.spanFrom(first);
      const only = parts[0]!;
      if (parts.length === 1 && !only.quoted && NILADIC.has(only.name)) return call(only.name, [], span);
      return { kind: "name" as const, parts, span };
    });
  });

  private parenthesized = this.RULE("parenthesized", (): Expression => {
    const first = this.CONSUME(t.LParen);
    const inner = this.SUBRULE(this.expression);
    this.CONSUME(t.RParen);
    const qualifier = this.OPTION(() => this.SUBRULE(this.qualifier));
    return this.ACTION(() => {
      if (qualifier === undefined) return inner;
      return { kind: "interval-of" as const, arg: inner, qualifier, span: this.spanFrom(first) };
    });
  });

  public name = this.RULE("name", (): Identifier => {
    const token = this.OR({
      DEF: [
        { ALT: () => this.CONSUME(t.Identifier) },
        { ALT: () => this.CONSUME(t.QuotedIdentifier) },
        { ALT: () => this.CONSUME(t.NonReserved) },
      ],
      ERR_MSG: "a name",
    });
    return this.ACTION(() => identifierOf(token));
  });
}

let shared: KdaSqlParser | undefined;

/** The one parser instance (Chevrotain's self-analysis runs once; parsers are reset per input). */
export function sqlParser(): KdaSqlParser {
  shared ??= new KdaSqlParser();
  return shared;
}

export type { KdaSqlParser };
