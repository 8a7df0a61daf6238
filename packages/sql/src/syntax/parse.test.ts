import { describe, expect, it } from "vitest";
import type { Expression, SelectQuery, Statement } from "./ast.ts";
import { parseSql, parseSqlExpression } from "./parse.ts";

// Renders an expression as a Lisp-like string, so tests read the tree's shape at a glance.
function shape(e: Expression): string {
  switch (e.kind) {
    case "literal":
      if (e.type === "number" || e.type === "datetime") return e.text;
      if (e.type === "string") return `'${e.value}'`;
      if (e.type === "interval") return `INTERVAL${e.negative ? "-" : ""}'${e.text}'`;
      if (e.type === "boolean") return String(e.value).toUpperCase();
      return e.type.toUpperCase();
    case "name":
      return e.parts.map((p) => p.name).join(".");
    case "call":
      return `(${e.name}${e.star ? " *" : ""}${e.args.map((a) => ` ${shape(a)}`).join("")})${e.over ? " OVER" : ""}`;
    case "logical":
      return `(${e.op} ${e.args.map(shape).join(" ")})`;
    case "is":
      return `(IS${e.negated ? " NOT" : ""} ${e.test} ${shape(e.arg)}${e.other ? ` ${shape(e.other)}` : ""})`;
    case "between":
      return `(BETWEEN ${shape(e.arg)} ${shape(e.low)} ${shape(e.high)})`;
    case "in":
      return `(IN ${shape(e.arg)} ${e.list.map(shape).join(" ")})`;
    case "case":
      return `(CASE ${e.branches.map((b) => `${shape(b.when)}→${shape(b.result)}`).join(" ")}${e.otherwise ? ` ELSE ${shape(e.otherwise)}` : ""})`;
    case "interval-of":
      return `(${shape(e.arg)} ${e.qualifier.start}${e.qualifier.end ? ` TO ${e.qualifier.end}` : ""})`;
    case "field":
      return `${shape(e.arg)}.${e.field.name}`;
    case "cursor":
      return "(CURSOR)";
  }
}

const expr = (text: string) => shape(parseSqlExpression(text));

function onlySelect(statement: Statement | undefined): SelectQuery {
  if (statement?.kind !== "create-pump" && statement?.kind !== "query") throw new Error("not a query");
  if (statement.query.kind !== "select") throw new Error("not a select");
  return statement.query;
}

describe("parseSqlExpression", () => {
  it("binds * / over + - over || over comparisons over NOT over AND over OR", () => {
    expect(expr("5*2+2")).toBe("(+ (* 5 2) 2)");
    expect(expr("1 + 2 > 3")).toBe("(> (+ 1 2) 3)");
    expect(expr("'a' || 'b' = 'ab'")).toBe("(= (|| 'a' 'b') 'ab')");
    expect(expr("NOT a = 1 AND b OR c")).toBe("(OR (AND (NOT (= A 1)) B) C)");
    expect(expr("-3 * 3")).toBe("(* -3 3)");
    expect(expr("-x")).toBe("(NEGATE X)");
  });

  it("applies IS TRUE to NOT's result, as the logical-operators page prints (A12)", () => {
    expect(expr("NOT UNKNOWN IS TRUE")).toBe("(IS TRUE (NOT NULL))");
    expect(expr("UNKNOWN IS NOT UNKNOWN")).toBe("(IS NOT UNKNOWN NULL)");
    expect(expr("x IS NOT NULL AND y IS DISTINCT FROM 1")).toBe(
      "(AND (IS NOT NULL X) (IS DISTINCT FROM Y 1))",
    );
  });

  it("reads BETWEEN, IN, LIKE and SIMILAR TO with their NOT forms", () => {
    expect(expr("3 BETWEEN 1 AND 5 AND TRUE")).toBe("(AND (BETWEEN 3 1 5) TRUE)");
    expect(expr("x NOT IN (1, 2)")).toBe("(IN X 1 2)");
    expect(expr("a NOT LIKE 'x%' ESCAPE '\\'")).toBe("(NOT (LIKE A 'x%' '\\'))");
    expect(expr("'ab' SIMILAR TO 'a_'")).toBe("(SIMILAR TO 'ab' 'a_')");
  });

  it("lowers KDA's special call syntax to the registry's plain calls", () => {
    expect(expr("CAST(x AS VARCHAR(8))")).toBe("(CAST X 'VARCHAR(8)')");
    expect(expr("cast(x as interval minute(3))")).toBe("(CAST X 'interval minute(3)')");
    expect(expr("EXTRACT(HOUR FROM ts)")).toBe("(EXTRACT 'HOUR' TS)");
    expect(expr("FLOOR(ROWTIME TO MINUTE)")).toBe("(FLOOR ROWTIME 'MINUTE')");
    expect(expr("CEILING(-3.3)")).toBe("(CEILING -3.3)");
    expect(expr("STEP(s.ROWTIME BY INTERVAL '10' SECOND)")).toBe("(STEP S.ROWTIME INTERVAL'10')");
    expect(expr("POSITION('a' IN 'bca')")).toBe("(POSITION 'a' 'bca')");
    expect(expr("OVERLAY('12345' PLACING 'foo' FROM 2 FOR 2)")).toBe("(OVERLAY '12345' 'foo' 2 2)");
    expect(expr("SUBSTRING(s FROM 3 FOR 4)")).toBe("(SUBSTRING FROM S 3 4)");
    expect(expr("SUBSTRING(s, 3)")).toBe("(SUBSTRING S 3)");
    expect(expr(`SUBSTRING(s SIMILAR 'a#"b#"' ESCAPE '#')`)).toBe(`(SUBSTRING SIMILAR S 'a#"b#"' '#')`);
    expect(expr("TRIM(LEADING 'x' FROM s)")).toBe("(TRIM 'LEADING' 'x' S)");
    expect(expr("TRIM(BOTH FROM s)")).toBe("(TRIM 'BOTH' ' ' S)");
    expect(expr("TRIM(s)")).toBe("(TRIM S)");
    expect(expr("CURRENT_ROW_TIMESTAMP")).toBe("(CURRENT_ROW_TIMESTAMP)");
    expect(expr("count(*)")).toBe("(COUNT *)");
  });

  it("reads datetime, interval, Unicode and binary literals", () => {
    const interval = parseSqlExpression("INTERVAL -'1 2:03' DAY(3) TO MINUTE");
    expect(interval).toMatchObject({
      type: "interval",
      text: "1 2:03",
      negative: true,
      qualifier: { start: "DAY", end: "MINUTE", startPrecision: 3 },
    });
    expect(parseSqlExpression("INTERVAL '1.5' SECOND(2, 3)")).toMatchObject({
      qualifier: { start: "SECOND", startPrecision: 2, fractionalPrecision: 3 },
    });
    expect(parseSqlExpression("TIMESTAMP '2004-09-30 13:48:23'")).toMatchObject({
      datetime: "TIMESTAMP",
      text: "2004-09-30 13:48:23",
    });
    expect(parseSqlExpression("u&'\\0009'")).toMatchObject({ type: "string", value: "\t" });
    expect(parseSqlExpression("X'3F67'")).toMatchObject({ type: "binary", hex: "3F67" });
    expect(parseSqlExpression("'it''s'")).toMatchObject({ value: "it's" });
    expect(expr("(t1 - t2) DAY TO SECOND")).toBe("((- T1 T2) DAY TO SECOND)");
  });

  it("upper-cases unquoted names and keeps quoted ones exact", () => {
    const e = parseSqlExpression(`"SOURCE_sql".ticker_Symbol`);
    expect(e).toMatchObject({
      kind: "name",
      parts: [
        { name: "SOURCE_sql", quoted: true },
        { name: "TICKER_SYMBOL", quoted: false },
      ],
    });
    expect(parseSqlExpression(`"say ""hi"""`)).toMatchObject({ parts: [{ name: 'say "hi"' }] });
  });

  it("gives each node its span", () => {
    const e = parseSqlExpression("a +\n  UPPER(b)");
    expect(e).toMatchObject({ kind: "call", name: "+", span: { start: 0, end: 14, line: 1, column: 1 } });
    if (e.kind !== "call") throw new Error("not a call");
    expect(e.args[1]).toMatchObject({ span: { line: 2, column: 3 }, nameSpan: { line: 2, column: 3 } });
  });
});

describe("parseSql", () => {
  it("reads CREATE STREAM, CREATE PUMP and comments of all three kinds (A13)", () => {
    const script = parseSql(`
      -- the destination
      CREATE OR REPLACE STREAM "DESTINATION_SQL_STREAM" (
        ticker_symbol VARCHAR(4) NOT NULL, /* block */ price DOUBLE PRECISION, d INTERVAL DAY TO SECOND)
        DESCRIPTION 'out';
      //note a pump
      CREATE OR REPLACE PUMP "STREAM_PUMP" AS INSERT INTO "DESTINATION_SQL_STREAM" (ticker_symbol, price)
        SELECT STREAM ticker_symbol, price FROM "SOURCE_SQL_STREAM_001" WHERE price > 10
    `);
    expect(script.statements.map((s) => s.kind)).toEqual(["create-stream", "create-pump"]);
    const stream = script.statements[0]!;
    if (stream.kind !== "create-stream") throw new Error("not a stream");
    expect(stream.columns.map((c) => [c.name.name, c.type.text, c.type.notNull])).toEqual([
      ["TICKER_SYMBOL", "VARCHAR(4)", true],
      ["PRICE", "DOUBLE PRECISION", false],
      ["D", "INTERVAL DAY TO SECOND", false],
    ]);
    expect(stream.description).toBe("out");
    const pump = script.statements[1]!;
    expect(pump).toMatchObject({
      kind: "create-pump",
      name: { name: "STREAM_PUMP" },
      target: { name: "DESTINATION_SQL_STREAM" },
      columns: [{ name: "TICKER_SYMBOL" }, { name: "PRICE" }],
    });
    expect(onlySelect(pump)).toMatchObject({
      stream: true,
      from: { kind: "stream", name: [{ name: "SOURCE_SQL_STREAM_001" }] },
    });
  });

  it("reads a tumbling GROUP BY with HAVING and ORDER BY", () => {
    const select = onlySelect(
      parseSql(`SELECT STREAM ticker, COUNT(*) AS n FROM s
        GROUP BY ticker, STEP(s.ROWTIME BY INTERVAL '1' MINUTE) HAVING COUNT(*) > 1
        ORDER BY STEP(s.ROWTIME BY INTERVAL '1' MINUTE), n DESC`).statements[0],
    );
    expect(select.groupBy.map(shape)).toEqual(["TICKER", "(STEP S.ROWTIME INTERVAL'1')"]);
    expect(select.having && shape(select.having)).toBe("(> (COUNT *) 1)");
    expect(select.orderBy.map((o) => [shape(o.expression), o.descending])).toEqual([
      ["(STEP S.ROWTIME INTERVAL'1')", false],
      ["N", true],
    ]);
  });

  it("reads named and inline windows with their frames", () => {
    const select = onlySelect(
      parseSql(`SELECT STREAM ticker, AVG(price) OVER W1 AS avg1, LAG(price, 1) IGNORE NULLS OVER (PARTITION BY ticker ROWS 1 PRECEDING)
        FROM s WINDOW W1 AS (PARTITION BY ticker RANGE INTERVAL '1' HOUR PRECEDING),
                      W2 AS (ROWS BETWEEN 4 PRECEDING AND CURRENT ROW)`).statements[0],
    );
    expect(select.windows.map((w) => w.name.name)).toEqual(["W1", "W2"]);
    expect(select.windows[0]!.spec).toMatchObject({ frame: { unit: "RANGE", start: { kind: "preceding" } } });
    expect(select.windows[1]!.spec.frame).toMatchObject({
      unit: "ROWS",
      start: { kind: "preceding" },
      end: { kind: "current-row" },
    });
    const lag = select.items[2]!;
    expect(lag).toMatchObject({
      expression: {
        name: "LAG",
        nulls: "ignore",
        over: { kind: "inline", spec: { frame: { unit: "ROWS" } } },
      },
    });
  });

  it("reads WINDOWED BY STAGGER", () => {
    const select = onlySelect(
      parseSql(`SELECT STREAM ticker, COUNT(*) FROM s
        WINDOWED BY STAGGER (PARTITION BY FLOOR(event_time TO MINUTE), ticker RANGE INTERVAL '1' MINUTE)`)
        .statements[0],
    );
    expect(select.stagger?.partitionBy.map(shape)).toEqual(["(FLOOR EVENT_TIME 'MINUTE')", "TICKER"]);
  });

  it("reads windowed joins, aliases with and without AS, and table functions", () => {
    const join = onlySelect(
      parseSql(`SELECT STREAM o.orderid, s.shipmenttime
        FROM ORDERS_STREAM OVER (RANGE INTERVAL '1' MINUTE PRECEDING) AS o
        LEFT OUTER JOIN SHIPMENTS_STREAM s ON o.orderid = s.orderid`).statements[0],
    );
    expect(join.from).toMatchObject({
      kind: "join",
      join: "LEFT",
      left: { kind: "stream", alias: { name: "O" }, window: { kind: "inline" } },
      right: { kind: "stream", alias: { name: "S" } },
    });
    const forest = onlySelect(
      parseSql(`SELECT STREAM * FROM TABLE(RANDOM_CUT_FOREST(CURSOR(SELECT STREAM x FROM s), 100, 256))`)
        .statements[0],
    );
    expect(forest.from).toMatchObject({ kind: "table-function", call: { name: "RANDOM_CUT_FOREST" } });
    const derived = onlySelect(
      parseSql(`SELECT STREAM l.r.COLUMN1 FROM (SELECT STREAM W3C_LOG_PARSE(log, 'COMMON') FROM s) AS l(r)`)
        .statements[0],
    );
    expect(derived.from).toMatchObject({
      kind: "subquery",
      alias: { name: "L" },
      columnAliases: [{ name: "R" }],
    });
  });

  it("reads VALUES, UNION ALL and ORDER BY ... WITHIN", () => {
    const statements = parseSql(`VALUES (1, 'a'), (2, 'b');
      SELECT STREAM a FROM s UNION ALL SELECT STREAM a FROM t;
      SELECT STREAM ts AS ROWTIME FROM s ORDER BY ts WITHIN INTERVAL '1' MINUTE`).statements;
    expect(statements[0]).toMatchObject({
      query: {
        kind: "values",
        rows: [
          [{}, {}],
          [{}, {}],
        ],
      },
    });
    expect(statements[1]).toMatchObject({ query: { kind: "union", all: true } });
    expect(onlySelect(statements[2]).within).toMatchObject({ type: "interval" });
  });
});

describe("parse errors", () => {
  function errorOf(sql: string): Error {
    try {
      parseSql(sql);
    } catch (error) {
      return error as Error;
    }
    throw new Error(`parsed: ${sql}`);
  }

  it.each([
    ["SELECT STREAM FROM s", 1, 15, "expected * or an expression, found FROM"],
    ["SELECT STREAM a\nFROM s\nWHERE", 3, 6, "expected an expression, found the end of the SQL"],
    ["CREATE STREAM x (a VARCHAR(4)", 1, 30, "expected ')', found the end of the SQL"],
    ["CREATE TABLE x (a INT)", 1, 8, "expected STREAM or PUMP, found TABLE"],
    ["SELECT STREAM a FROM s WHERE a = 'x", 1, 34, "a string is not closed: expected a closing '"],
    ["CREATE STREAM x (a)", 1, 19, "expected a type (INTEGER, VARCHAR(n), TIMESTAMP, ...), found )"],
    ["SELECT STREAM a FROM s GROUP a", 1, 30, "expected BY, found a"],
    ["SELECT STREAM CAST(a VARCHAR(4)) FROM s", 1, 22, "expected AS, found VARCHAR"],
    [
      "SELECT STREAM FLOOR(ROWTIME TO WEEK) FROM s",
      1,
      32,
      "expected a unit (YEAR, MONTH, DAY, HOUR, MINUTE or SECOND), found WEEK",
    ],
    [
      "SELECT STREAM a FROM s;;\nSELECT STREAM b FROM s t u",
      2,
      26,
      "expected ';' or the end of the statement, found u",
    ],
    ["SELECT STREAM a ? b FROM s", 1, 17, 'unexpected character "?"'],
  ])("%j is refused at line %i, column %i", (sql, line, column, reason) => {
    const error = errorOf(sql);
    expect(error.name).toBe("SqlSyntaxError");
    expect(error).toMatchObject({ line, column, reason });
  });

  it("shows the line with a caret under the offending token", () => {
    const error = errorOf("CREATE OR REPLACE STREAM s (a INT);\nSELECT STREAM a b c FROM s");
    expect(error.message).toBe(
      [
        "line 2, column 19: expected FROM, found c",
        "  SELECT STREAM a b c FROM s",
        "                    ^",
      ].join("\n"),
    );
  });
});
