import { parseIntervalLiteral } from "../functions/datetime/interval-literals.ts";
import { type LogicalPlan, type PlanNode, planInputs, type RowtimeBuckets } from "../plan/logical-plan.ts";
import type {
  CallExpression,
  Expression,
  FrameBound,
  SelectQuery,
  Statement,
  WindowSpecification,
} from "../syntax/ast.ts";
import { parseSql } from "../syntax/parse.ts";
import type { SqlField, SqlType } from "../types/sql-type.ts";
import {
  NoTypeScriptEquivalent,
  type TsCode,
  type TsScope,
  translateExpression,
} from "./typescript-expression.ts";

/** The aggregate functions with a DSL counterpart, by SQL name. */
const AGGREGATES: Record<string, string> = {
  MIN: "min",
  MAX: "max",
  SUM: "sum",
  AVG: "avg",
  FIRST_VALUE: "first",
  LAST_VALUE: "last",
};

// Printed once when an aggregate is used: the DSL's `aggregate` takes one AggregateFunction, and
// a SELECT list has several, so they run side by side under one accumulator.
const ALL_OF = `/** Runs several aggregate functions side by side over the same records. */
function allOf<T, R extends Record<string, unknown>>(parts: {
  [K in keyof R]: AggregateFunction<T, unknown, R[K]>;
}): AggregateFunction<T, Record<keyof R, unknown>, R> {
  const names = Object.keys(parts) as (keyof R)[];
  const each = <V>(f: (name: keyof R) => V) => Object.fromEntries(names.map((n) => [n, f(n)]));
  return {
    create: () => each((n) => parts[n].create()) as Record<keyof R, unknown>,
    add: (acc, value) => each((n) => parts[n].add(acc[n], value)) as Record<keyof R, unknown>,
    merge: (a, b) => each((n) => parts[n].merge(a[n], b[n])) as Record<keyof R, unknown>,
    result: (acc) => each((n) => parts[n].result(acc[n])) as R,
  };
}`;

function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== "")
    .map((w) => w[0]!.toUpperCase() + w.slice(1).toLowerCase())
    .join("");
}

function camel(name: string): string {
  const p = pascal(name);
  return p === "" ? "stream" : p[0]!.toLowerCase() + p.slice(1);
}

function property(name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : JSON.stringify(name);
}

function access(record: string, name: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${record}.${name}` : `${record}[${JSON.stringify(name)}]`;
}

function tsType(type: SqlType): string {
  const name = type.name;
  let base = "unknown";
  if (/CHAR/.test(name)) base = "string";
  else if (/INT|REAL|DOUBLE|DECIMAL|NUMERIC|FLOAT|TIMESTAMP|DATE|TIME/.test(name)) base = "number";
  else if (name === "BOOLEAN") base = "boolean";
  return type.nullable ? `${base} | null` : base;
}

function rowInterface(name: string, columns: readonly SqlField[]): string {
  const fields = columns.map((c) => `  readonly ${property(c.name)}: ${tsType(c.type)};`);
  return `/** A row of ${name}. */\ninterface ${pascal(name)}Row {\n${fields.join("\n")}\n}`;
}

/** A scope over a record whose fields are `columns`, with `ROWTIME` the callback's timestamp. */
function recordScope(record: string, columns: readonly SqlField[], extra: TsScope["call"]): TsScope {
  return {
    column(parts) {
      const name = parts.at(-1)!;
      if (name.toUpperCase() === "ROWTIME") return { code: "rowtime", nullable: false };
      const field =
        columns.find((c) => c.name === name) ?? columns.find((c) => c.name.toUpperCase() === name);
      return (
        field && {
          code: access(record, field.name),
          nullable: field.type.nullable,
          integer: /INT/.test(field.type.name),
        }
      );
    },
    ...(extra === undefined ? {} : { call: extra }),
  };
}

/** The SQL text of an expression, normalised, to recognise a GROUP BY key in the select list. */
function textOf(sql: string, e: Expression): string {
  return sql.slice(e.span.start, e.span.end).replace(/\s+/g, "").replace(/"/g, "").toUpperCase();
}

function collectCalls(e: Expression, into: CallExpression[], keep: (c: CallExpression) => boolean): void {
  if (e.kind === "call") {
    if (keep(e)) into.push(e);
    else for (const a of e.args) collectCalls(a, into, keep);
    return;
  }
  for (const child of Object.values(e))
    if (child !== null && typeof child === "object" && "kind" in child && "span" in child)
      collectCalls(child as Expression, into, keep);
    else if (Array.isArray(child))
      for (const c of child)
        if (c !== null && typeof c === "object")
          for (const v of Object.values(c))
            if (v !== null && typeof v === "object" && "kind" in v && "span" in v)
              collectCalls(v as Expression, into, keep);
}

function frameOf(spec: WindowSpecification): string {
  const frame = spec.frame;
  if (frame === undefined) throw new NoTypeScriptEquivalent("an OVER window without a frame");
  const start: FrameBound = frame.start;
  if (start.kind === "current-row") return frame.unit === "ROWS" ? "{ rows: 0 }" : "{ range: 0 }";
  if (start.kind !== "preceding") throw new NoTypeScriptEquivalent(`a frame starting ${start.kind}`);
  const offset = start.offset;
  if (frame.unit === "ROWS" && offset.kind === "literal" && offset.type === "number")
    return `{ rows: ${offset.text} }`;
  if (frame.unit === "RANGE" && offset.kind === "literal" && offset.type === "interval") {
    const interval = parseIntervalLiteral(offset.text, offset.qualifier, offset.negative);
    if (interval.kind === "day-time") return `{ range: ms(${interval.ms}) }`;
  }
  throw new NoTypeScriptEquivalent("this window frame");
}

function keySelector(keys: readonly TsCode[]): string {
  if (keys.length === 0) return "() => 0";
  if (keys.length === 1) return keys[0]!.nullable ? `JSON.stringify(${keys[0]!.code})` : keys[0]!.code;
  return `JSON.stringify([${keys.map((k) => k.code).join(", ")}])`;
}

function aggregateOf(call: CallExpression, scope: TsScope, parameter: string): string {
  if (call.name === "COUNT" && (call.star || call.args.length === 0)) return "count()";
  const fn = AGGREGATES[call.name];
  if (fn === undefined || call.distinct || call.args.length !== 1)
    throw new NoTypeScriptEquivalent(`aggregate ${call.name}${call.distinct ? " DISTINCT" : ""}`);
  const arg = translateExpression(call.args[0]!, scope);
  return `${fn}((${parameter}) => ${arg.nullable ? `${arg.code}!` : arg.code})`;
}

function findNode(node: PlanNode, kind: PlanNode["kind"]): PlanNode | undefined {
  if (node.kind === kind) return node;
  for (const input of planInputs(node)) {
    const found = findNode(input, kind);
    if (found !== undefined) return found;
  }
  return undefined;
}

function tumblingOf(buckets: RowtimeBuckets | undefined): string {
  if (buckets === undefined || buckets.kind !== "fixed")
    throw new NoTypeScriptEquivalent("GROUP BY without fixed-size STEP/FLOOR(ROWTIME) buckets");
  return buckets.offset === 0
    ? `tumbling(ms(${buckets.size}))`
    : `tumbling(ms(${buckets.size}), ms(${buckets.offset}))`;
}

interface PrintContext {
  readonly sql: string;
  /** Stream name → its variable and columns, as far as printed. */
  readonly streams: Map<string, { variable: string; columns: readonly SqlField[] }>;
  usesAggregates: boolean;
}

/** Output fields of a select list, as `name: code` lines. */
function selectFields(
  query: SelectQuery,
  scope: TsScope,
  targetColumns: readonly SqlField[],
  inputColumns: readonly SqlField[],
): string[] {
  const fields: string[] = [];
  let position = 0;
  for (const item of query.items) {
    if (item.kind === "star") {
      for (const c of inputColumns) {
        const target = targetColumns[position++];
        if (target !== undefined) fields.push(`${property(target.name)}: ${scope.column([c.name])!.code}`);
      }
      continue;
    }
    const target = targetColumns[position++];
    if (target === undefined) continue;
    try {
      const value = translateExpression(item.expression, scope);
      const code = value.nullable && !target.type.nullable ? `${value.code}!` : value.code;
      fields.push(`${property(target.name)}: ${code}`);
    } catch (error) {
      if (!(error instanceof NoTypeScriptEquivalent)) throw error;
      fields.push(
        `// TODO(eddy-sql): ${error.message} has no TypeScript equivalent here\n${property(target.name)}: null as never`,
      );
    }
  }
  return fields;
}

/** The chain of DSL calls for one SELECT; throws NoTypeScriptEquivalent for what it cannot print. */
function selectChain(
  query: SelectQuery,
  node: PlanNode,
  target: { name: string; columns: readonly SqlField[] },
  context: PrintContext,
): string[] {
  const from = query.from;
  if (from.kind !== "stream")
    throw new NoTypeScriptEquivalent(from.kind === "join" ? `${from.join} JOIN` : `FROM ${from.kind}`);
  if (query.stagger !== undefined) throw new NoTypeScriptEquivalent("WINDOW ... STAGGER");
  if (query.orderBy.length > 0) throw new NoTypeScriptEquivalent("ORDER BY");
  if (query.distinct) throw new NoTypeScriptEquivalent("SELECT DISTINCT");
  if (query.having !== undefined) throw new NoTypeScriptEquivalent("HAVING");
  const streamName = from.name.at(-1)!.name;
  const source = context.streams.get(streamName);
  if (source === undefined) throw new NoTypeScriptEquivalent(`stream ${streamName}`);
  const row = `${pascal(target.name)}Row`;
  const lines = [source.variable];
  let columns = source.columns;
  const rowType = `${pascal(streamName)}Row`;
  const plain = (cols: readonly SqlField[]) => recordScope("r", cols, undefined);
  if (query.where !== undefined) {
    const predicate = translateExpression(query.where, plain(columns));
    lines.push(
      `  .filter((r, rowtime) => ${predicate.nullable ? `${predicate.code} === true` : predicate.code})`,
    );
  }
  const items = query.items.flatMap((i) => (i.kind === "expression" ? [i.expression] : []));
  const overCalls: CallExpression[] = [];
  for (const e of items) collectCalls(e, overCalls, (c) => c.over !== undefined);
  const aggregateCalls: CallExpression[] = [];
  if (query.groupBy.length > 0)
    for (const e of items) collectCalls(e, aggregateCalls, (c) => c.name in AGGREGATES || c.name === "COUNT");
  if (overCalls.length > 0 && query.groupBy.length > 0)
    throw new NoTypeScriptEquivalent("OVER with GROUP BY");

  const computed = new Map<CallExpression, string>();
  const aggregateScope = (cols: readonly SqlField[]) =>
    recordScope("r", cols, (c) => {
      const name = computed.get(c);
      return name === undefined ? undefined : { code: `r.${name}`, nullable: false };
    });

  if (overCalls.length > 0) {
    context.usesAggregates = true;
    const windows = new Map<string, { spec: WindowSpecification; calls: CallExpression[] }>();
    for (const call of overCalls) {
      const ref = call.over!;
      const key = ref.kind === "named" ? ref.name.name : `inline ${call.span.start}`;
      const spec =
        ref.kind === "inline" ? ref.spec : query.windows.find((w) => w.name.name === ref.name.name)?.spec;
      if (spec === undefined) throw new NoTypeScriptEquivalent(`window ${key}`);
      const entry = windows.get(key) ?? { spec, calls: [] };
      entry.calls.push(call);
      windows.set(key, entry);
    }
    let index = 0;
    for (const { spec, calls } of windows.values()) {
      const scope = plain(columns);
      const keys = spec.partitionBy.map((p) => translateExpression(p, scope));
      const names = calls.map(() => `over${index++}`);
      const parts = calls.map((c, i) => `${names[i]}: ${aggregateOf(c, scope, "r")}`);
      lines.push(`  .keyBy((r) => ${keySelector(keys)})`);
      lines.push(`  .over(${frameOf(spec)})`);
      lines.push(`  .aggregate(allOf({ ${parts.join(", ")} }))`);
      lines.push(`  .map((o) => ({ ...o.record, ${names.map((n) => `${n}: o.value.${n}`).join(", ")} }))`);
      for (const [i, c] of calls.entries()) computed.set(c, names[i]!);
      columns = [
        ...columns,
        ...names.map((n) => ({ name: n, type: { name: "DOUBLE", nullable: false } as SqlType })),
      ];
    }
  }

  if (query.groupBy.length > 0) {
    context.usesAggregates = true;
    const aggregate = findNode(node, "tumbling-aggregate");
    const buckets = aggregate?.kind === "tumbling-aggregate" ? aggregate.window.buckets : undefined;
    const windowKey =
      aggregate?.kind === "tumbling-aggregate" ? query.groupBy[aggregate.window.key] : undefined;
    const scope = plain(columns);
    const keys = query.groupBy.filter((k) => k !== windowKey);
    const keyCodes = keys.map((k) => translateExpression(k, scope));
    const parts = [
      ...keyCodes.map((k, i) => `key${i}: first((r: ${rowType}) => ${k.code})`),
      ...aggregateCalls.map((c, i) => `agg${i}: ${aggregateOf(c, scope, `r: ${rowType}`)}`),
    ];
    lines.push(`  .keyBy((r) => ${keySelector(keyCodes)})`);
    lines.push(`  .window(${tumblingOf(buckets)})`);
    lines.push(`  .aggregate(allOf({ ${parts.join(", ")} }))`);
    const keyTexts = keys.map((k) => textOf(context.sql, k));
    const windowText = windowKey && textOf(context.sql, windowKey);
    const windowScope: TsScope = {
      column: (p) => {
        const text = p.join(".").toUpperCase();
        const k = keyTexts.findIndex((t) => t === text || t.endsWith(`.${text}`));
        return k < 0 ? undefined : { code: `w.value.key${k}`, nullable: keyCodes[k]!.nullable };
      },
      call: (c) => {
        const a = aggregateCalls.indexOf(c);
        if (a >= 0) return { code: `w.value.agg${a}`, nullable: false };
        const text = textOf(context.sql, c);
        if (text === windowText) return { code: "w.window.start", nullable: false };
        const k = keyTexts.indexOf(text);
        return k < 0 ? undefined : { code: `w.value.key${k}`, nullable: keyCodes[k]!.nullable };
      },
    };
    const fields = selectFields(query, windowScope, target.columns, columns);
    lines.push(`  .map((w): ${row} => ({\n${fields.map((f) => indent(`${f},`, 4)).join("\n")}\n  }))`);
    return lines;
  }
  const fields = selectFields(query, aggregateScope(columns), target.columns, columns);
  lines.push(`  .map((r, rowtime): ${row} => ({\n${fields.map((f) => indent(`${f},`, 4)).join("\n")}\n  }))`);
  return lines;
}

function indent(text: string, by: number): string {
  return text
    .split("\n")
    .map((l) => " ".repeat(by) + l)
    .join("\n");
}

/** The application's bare SELECT queries. */
function queryStatements(statements: readonly Statement[]): SelectQuery[] {
  return statements.flatMap((s) => (s.kind === "query" && s.query.kind === "select" ? [s.query] : []));
}

/**
 * The TypeScript DSL program equivalent to a SQL application, so a team can move from SQL to
 * `@eddy/core` at its own pace: a row interface per stream, the inputs as `declare const` sources
 * with their watermarks, each pump as `filter` / `map` / `keyBy(…).over(…)` /
 * `keyBy(…).window(tumbling(…))` with its expressions translated, the outputs as `declare const`
 * sinks. What has no clean DSL equivalent (joins, ORDER BY, STAGGER, table functions, functions
 * without a TypeScript counterpart…) is a `// TODO(eddy-sql): …` comment naming it, and the code
 * still compiles. `eddy-sql explain --typescript` prints it.
 *
 * @example
 * const sql = 'CREATE STREAM "OUT" (N INTEGER); CREATE PUMP "P" AS INSERT INTO "OUT" SELECT STREAM "N" + 1 FROM "S";';
 * const plan = compileSql(sql, { inputs: { S: { N: "INTEGER" } }, referenceTables: {} });
 * console.log(explainTypeScript(plan, sql, "counter"));
 */
export function explainTypeScript(
  plan: LogicalPlan,
  sql: string,
  applicationName = "sql-application",
): string {
  const statements = parseSql(sql).statements;
  const context: PrintContext = { sql, streams: new Map(), usesAggregates: false };
  const body: string[] = [];
  const interfaces: string[] = [];
  for (const input of plan.inputs) {
    const variable = camel(input.name);
    interfaces.push(rowInterface(input.name, input.columns));
    const rowtime = input.rowtime;
    const idle = rowtime.idleTimeout === undefined ? "" : `.withIdleness(ms(${rowtime.idleTimeout}))`;
    const watermarks =
      rowtime.kind === "arrival"
        ? `monotonous()${idle}` // ROWTIME is the arrival time the source gives each record
        : `boundedOutOfOrderness(ms(${rowtime.outOfOrderness}))${idle}, (r) => ${access("r", input.columns[rowtime.column]!.name)}!`;
    body.push(
      `declare const ${variable}Source: Source<${pascal(input.name)}Row>; // your connector: kinesisSource, firehose…`,
      `const ${variable} = job.source(${variable}Source).withWatermarks(${watermarks});`,
      "",
    );
    context.streams.set(input.name, { variable, columns: input.columns });
  }
  for (const stream of plan.streams) interfaces.push(rowInterface(stream.name, stream.columns));
  const pumpStatements = statements.flatMap((s) => (s.kind === "create-pump" ? [s] : []));
  const byTarget = new Map<string, string[]>();
  plan.pumps.forEach((pump, i) => {
    const statement = pumpStatements.find((s) => s.name.name.toUpperCase() === pump.name.toUpperCase());
    const stream = plan.streams.find((s) => s.name === pump.target)!;
    const variable = camel(`${pump.target} ${pump.name}`);
    body.push(`// pump ${pump.name} into ${pump.target}`);
    try {
      if (statement?.query.kind !== "select")
        throw new NoTypeScriptEquivalent(
          statement === undefined ? "this pump" : `a ${statement.query.kind} query`,
        );
      const chain = selectChain(statement.query, pump.query, stream, context);
      body.push(`const ${variable}: DataStream<${pascal(stream.name)}Row> = ${chain.join("\n")};`);
    } catch (error) {
      if (!(error instanceof NoTypeScriptEquivalent)) throw error;
      body.push(
        `// TODO(eddy-sql): ${error.message} has no clean DSL equivalent; write this pump by hand.`,
        `declare const ${variable}: DataStream<${pascal(stream.name)}Row>;`,
      );
    }
    body.push("");
    byTarget.set(pump.target, [...(byTarget.get(pump.target) ?? []), variable]);
    context.streams.set(pump.target, {
      variable: camel(pump.target),
      columns: stream.columns,
    });
    if (plan.pumps.slice(i + 1).every((p) => p.target !== pump.target)) {
      const [first, ...rest] = byTarget.get(pump.target)!;
      body.push(
        `const ${camel(pump.target)} = ${first}${rest.length === 0 ? "" : `.union(${rest.join(", ")})`};`,
        "",
      );
    }
  });
  const queries = queryStatements(statements);
  if (queries.length > 0 || plan.queries.length > 0)
    body.push(
      `// TODO(eddy-sql): ${plan.queries.length} bare SELECT quer${plan.queries.length === 1 ? "y" : "ies"}: write them as pumps into a stream to print them`,
      "",
    );
  const readStreams = new Set(plan.pumps.flatMap((p) => collectScans(p.query)));
  for (const stream of plan.streams)
    if (!readStreams.has(stream.name) && byTarget.has(stream.name)) {
      const variable = camel(stream.name);
      body.push(
        `declare const ${variable}Sink: Sink<${pascal(stream.name)}Row>; // your connector: kinesisSink, firehoseSink…`,
        `${variable}.sink(${variable}Sink);`,
      );
    }
  body.push("", "await job.run();");
  const imports = [
    ...(context.usesAggregates ? ["type AggregateFunction"] : []),
    "boundedOutOfOrderness",
    "count",
    "type DataStream",
    "first",
    "last",
    "max",
    "min",
    "monotonous",
    "ms",
    "pipeline",
    "type Sink",
    "type Source",
    "sum",
    "avg",
    "tumbling",
  ].sort((a, b) => a.replace("type ", "").localeCompare(b.replace("type ", "")));
  const used = imports.filter((i) => {
    const name = i.replace("type ", "");
    return (
      [...interfaces, ...body, ...(context.usesAggregates ? [ALL_OF] : [])].some((l) =>
        new RegExp(`\\b${name}\\b[(<:]?`).test(l),
      ) || name === "pipeline"
    );
  });
  return [
    `// The TypeScript DSL equivalent of ${applicationName}, printed by eddy-sql explain --typescript.`,
    "// SQL NULLs: nullable columns are `T | null`; expressions assert them non-null (`!`) where SQL",
    "// would propagate NULL, so add the checks your data needs.",
    `import { ${used.join(", ")} } from "@eddy/core";`,
    "",
    ...interfaces.flatMap((i) => [i, ""]),
    ...(context.usesAggregates ? [ALL_OF, ""] : []),
    `const job = pipeline(${JSON.stringify(applicationName)});`,
    "",
    ...body,
    "",
  ].join("\n");
}

function collectScans(node: PlanNode): string[] {
  return node.kind === "scan" ? [node.stream] : planInputs(node).flatMap(collectScans);
}
