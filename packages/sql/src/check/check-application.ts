import type { OverFrame } from "@eddy/core";
import { parseSqlTypeText } from "../functions/conversion/sql-type-text.ts";
import { type SqlFunction, SqlFunctionError } from "../functions/function-contract.ts";
import { builtinFunctions } from "../functions/registry.ts";
import { commonType } from "../functions/support/sql-types.ts";
import { ERROR_STREAM } from "../plan/error-stream.ts";
import type {
  CreatePumpStatement,
  CreateStreamStatement,
  Expression,
  FromItem,
  Query,
  SelectQuery,
  SourceSpan,
  SqlScript,
  WindowFrame,
  WindowSpecification,
} from "../syntax/ast.ts";
import {
  formatSqlType,
  isCharacterType,
  isDatetimeType,
  isNumericType,
  type SqlField,
  type SqlType,
} from "../types/sql-type.ts";
import type { SqlInterval } from "../types/sql-value.ts";
import { EMPTY_SCOPE, ExpressionChecker, type Scope, type ScopeColumn } from "./check-expression.ts";
import type {
  CheckedApplication,
  CheckedColumn,
  CheckedPump,
  CheckedQuery,
  CheckedSelect,
  CheckedSource,
  CheckedWindow,
} from "./checked-application.ts";
import { isMonotonic, referencesRowtime, sameExpression } from "./monotonic.ts";
import { forEachChild, type TypedExpression } from "./typed-expression.ts";

/**
 * The key of an inline window (`OVER (...)`) in {@link CheckedSelect.windows}.
 *
 * @example
 * declare const spec: WindowSpecification;
 * const key = inlineWindowKey(spec); // "(inline@120)"
 */
export function inlineWindowKey(spec: WindowSpecification): string {
  return `(inline@${spec.span.start})`;
}

/**
 * What the SQL may read besides what it creates: the input streams' and reference tables'
 * columns (exact names, as KDA stores them), and the function registry (the built-ins by default;
 * table functions come with `createFunctionRegistry({ extra })`).
 */
export interface CheckOptions {
  readonly inputs?: Readonly<Record<string, readonly SqlField[]>>;
  readonly referenceTables?: Readonly<Record<string, readonly SqlField[]>>;
  readonly functions?: ReadonlyMap<string, SqlFunction>;
}

interface Relation {
  readonly columns: readonly SqlField[];
  readonly role: "input" | "stream" | "reference-table";
  readonly span?: SourceSpan;
}

// A source as the select sees it: its checked form and the scope its columns make.
interface ScopedSource {
  readonly source: CheckedSource;
  readonly scope: readonly ScopeColumn[];
  readonly qualifiers: readonly string[];
}

function assignable(from: SqlType, to: SqlType): boolean {
  if (from.name === "NULL") return true;
  if (isNumericType(from) && isNumericType(to)) return true;
  if (isCharacterType(from) && isCharacterType(to)) return true;
  if (isDatetimeType(from) || isDatetimeType(to)) return from.name === to.name;
  const binary = (t: SqlType) => t.name === "BINARY" || t.name === "VARBINARY";
  if (binary(from) && binary(to)) return true;
  return from.name === to.name;
}

/**
 * Checks a parsed application: the streams it creates, the pumps that fill them and its bare
 * queries, against its inputs, reference tables and the function registry. Resolves every name,
 * types every expression, and applies KDA's rules (a streaming GROUP BY needs one monotonic
 * ROWTIME-based key, a pump's query must fit its target's columns, error_stream is reserved…).
 * The first problem is thrown as a `SqlCheckError` naming line and column with a caret excerpt.
 */
export function checkApplication(script: SqlScript, options: CheckOptions = {}): CheckedApplication {
  return new ApplicationChecker(script.text, options).check(script);
}

class ApplicationChecker {
  private readonly expressions: ExpressionChecker;
  private readonly relations = new Map<string, Relation>();
  private readonly pumpNames = new Set<string>();
  private readonly readInputs = new Set<string>();

  constructor(
    private readonly text: string,
    private readonly options: CheckOptions,
  ) {
    this.expressions = new ExpressionChecker(text, options.functions ?? builtinFunctions());
    for (const [name, columns] of Object.entries(options.inputs ?? {}))
      this.relations.set(name, { columns, role: "input" });
    for (const [name, columns] of Object.entries(options.referenceTables ?? {}))
      this.relations.set(name, { columns, role: "reference-table" });
  }

  private error(span: SourceSpan, reason: string) {
    return this.expressions.error(span, reason);
  }

  check(script: SqlScript): CheckedApplication {
    const streams: { name: string; columns: SqlField[] }[] = [];
    const pumps: CheckedPump[] = [];
    const queries: CheckedQuery[] = [];
    for (const statement of script.statements) {
      if (statement.kind === "create-stream") streams.push(this.createStream(statement));
      else if (statement.kind === "create-pump") pumps.push(this.createPump(statement));
      else queries.push(this.query(statement.query));
    }
    const relationsOf = (role: Relation["role"]) =>
      [...this.relations]
        .filter(([, r]) => r.role === role)
        .map(([name, r]) => ({ name, columns: r.columns }));
    return {
      inputs: relationsOf("input").filter((i) => this.readInputs.has(i.name)),
      streams: streams.filter((s) => this.relations.get(s.name)?.columns === s.columns),
      referenceTables: relationsOf("reference-table"),
      pumps,
      queries,
    };
  }

  private createStream(statement: CreateStreamStatement): { name: string; columns: SqlField[] } {
    const name = statement.name.name;
    if (name.toLowerCase() === ERROR_STREAM)
      throw this.error(
        statement.name.span,
        `${name} is reserved for the error stream; name the stream otherwise`,
      );
    const existing = this.relations.get(name);
    if (existing?.role === "input" || existing?.role === "reference-table")
      throw this.error(
        statement.name.span,
        `${name} is already the application's ${existing.role === "input" ? "input stream" : "reference table"}`,
      );
    if (existing !== undefined && !statement.orReplace)
      throw this.error(
        statement.name.span,
        `stream ${name} is already created; use CREATE OR REPLACE STREAM`,
      );
    const seen = new Set<string>();
    const columns = statement.columns.map((column) => {
      if (seen.has(column.name.name))
        throw this.error(column.name.span, `column ${column.name.name} is declared twice`);
      seen.add(column.name.name);
      let type: SqlType;
      try {
        type = parseSqlTypeText(column.type.text);
      } catch (error) {
        if (error instanceof SqlFunctionError) throw this.error(column.type.span, error.message);
        throw error;
      }
      if (type.name === "INTERVAL_DAY_TIME" || type.name === "INTERVAL_YEAR_MONTH")
        throw this.error(
          column.type.span,
          "an INTERVAL cannot be a column type in KDA; store a number of milliseconds",
        );
      return { name: column.name.name, type: { ...type, nullable: !column.type.notNull } };
    });
    this.relations.set(name, { columns, role: "stream", span: statement.name.span });
    return { name, columns };
  }

  private createPump(statement: CreatePumpStatement): CheckedPump {
    const name = statement.name.name;
    if (this.pumpNames.has(name) && !statement.orReplace)
      throw this.error(statement.name.span, `pump ${name} is already created; use CREATE OR REPLACE PUMP`);
    this.pumpNames.add(name);
    const target = this.relations.get(statement.target.name);
    if (target?.role !== "stream")
      throw this.error(
        statement.target.span,
        statement.target.name.toLowerCase() === ERROR_STREAM
          ? "SQL cannot insert into error_stream"
          : `INSERT INTO ${statement.target.name}: no such stream; create it with CREATE OR REPLACE STREAM first`,
      );
    const query = this.query(statement.query);
    const targetColumns =
      statement.columns?.map((column) => {
        const index = target.columns.findIndex((c) => c.name === column.name);
        if (index === -1)
          throw this.error(
            column.span,
            `${statement.target.name} has no column ${column.name}; it has ${target.columns.map((c) => c.name).join(", ")}`,
          );
        return index;
      }) ?? target.columns.map((_, i) => i);
    if (targetColumns.length !== query.columns.length)
      throw this.error(
        statement.query.span,
        `the query gives ${query.columns.length} column${query.columns.length === 1 ? "" : "s"} but the INSERT into ${statement.target.name} takes ${targetColumns.length}`,
      );
    query.columns.forEach((column, i) => {
      const to = target.columns[targetColumns[i]!]!;
      if (!assignable(column.type, to.type))
        throw this.error(
          this.itemSpan(statement.query, i),
          `column ${i + 1} of the query (${column.name}, ${formatSqlType(column.type)}) cannot go into ${to.name} ${formatSqlType(to.type)} of ${statement.target.name}; CAST it`,
        );
    });
    return { name, target: statement.target.name, targetColumns, query };
  }

  private itemSpan(query: Query, i: number): SourceSpan {
    return query.kind === "select" ? (query.items[i]?.span ?? query.span) : query.span;
  }

  // -------------------------------------------------------------------------------------------

  private query(query: Query): CheckedQuery {
    switch (query.kind) {
      case "select":
        return this.select(query);
      case "values": {
        const rows = query.rows.map((row) => row.map((e) => this.expressions.check(e, EMPTY_SCOPE)));
        const width = rows[0]?.length ?? 0;
        for (const [i, row] of rows.entries())
          if (row.length !== width)
            throw this.error(
              query.rows[i]![0]!.span,
              `VALUES rows must have one length: this one has ${row.length}, the first ${width}`,
            );
        const columns = Array.from({ length: width }, (_, c) => {
          const type = commonType(rows.map((row) => row[c]!.type));
          if (type === undefined)
            throw this.error(query.span, `column ${c + 1} of VALUES mixes types that do not fit together`);
          return { name: `EXPR$${c}`, type, monotonic: false };
        });
        return { kind: "values", rows, columns, span: query.span };
      }
      case "union": {
        const queries = query.queries.map((q) => this.query(q));
        const first = queries[0]!;
        for (const [i, q] of queries.entries()) {
          if (q.columns.length !== first.columns.length)
            throw this.error(
              query.queries[i]!.span,
              `UNION ALL inputs must have one number of columns: ${q.columns.length} here, ${first.columns.length} in the first`,
            );
        }
        return { kind: "union", queries, columns: first.columns, span: query.span };
      }
    }
  }

  private select(select: SelectQuery): CheckedSelect {
    const { source, scope: columns, qualifiers } = this.source(select.from);
    const base: Scope = {
      columns,
      qualifiers,
      aggregates: false,
      windows: select.windows.map((w) => w.name.name),
    };
    const windows = new Map<string, CheckedWindow>();
    for (const w of select.windows) windows.set(w.name.name, this.window(w.spec, base));
    const where =
      select.where === undefined ? undefined : this.expressions.condition(select.where, base, "WHERE");

    const groupBy = select.groupBy.map((e) => this.expressions.check(e, base));
    let monotonicKey: number | undefined;
    if (groupBy.length > 0) {
      const rowtimeKeys = groupBy.filter(referencesRowtime);
      if (rowtimeKeys.length > 1)
        throw this.error(rowtimeKeys[1]!.span, "a GROUP BY may use only one ROWTIME column");
      monotonicKey = groupBy.findIndex(isMonotonic);
      if (monotonicKey === -1)
        throw this.error(
          select.groupBy[0]!.span,
          "a streaming GROUP BY needs a monotonic expression such as STEP(s.ROWTIME BY INTERVAL '1' MINUTE) or FLOOR(s.ROWTIME TO MINUTE), else its groups never close",
        );
    }
    const stagger =
      select.stagger === undefined
        ? undefined
        : {
            partitionBy: select.stagger.partitionBy.map((e) => this.expressions.check(e, base)),
            length: this.intervalMs(select.stagger.range, "WINDOWED BY STAGGER's RANGE"),
          };
    const grouped = groupBy.length > 0 || stagger !== undefined;
    const keys = stagger?.partitionBy ?? groupBy;
    const itemScope: Scope = { ...base, aggregates: grouped };

    const items: { name: string; expression: TypedExpression }[] = [];
    let rowtime: TypedExpression | undefined;
    for (const [position, item] of select.items.entries()) {
      if (item.kind === "star") {
        const qualifier = item.qualifier?.name;
        if (qualifier !== undefined && !qualifiers.includes(qualifier))
          throw this.error(
            item.span,
            `unknown stream or alias ${qualifier}; the FROM clause has ${qualifiers.join(", ")}`,
          );
        for (const column of columns) {
          if (qualifier !== undefined && column.qualifier !== qualifier) continue;
          if (column.hidden) continue;
          items.push({
            name: column.name,
            expression: {
              kind: "column",
              index: column.index,
              name: column.name,
              monotonic: column.monotonic ?? false,
              type: column.type,
              span: item.span,
            },
          });
        }
        continue;
      }
      const expression = this.expressions.check(item.expression, itemScope);
      if (grouped) this.requireGrouped(expression, keys);
      const name = item.alias?.name ?? this.defaultName(item.expression, position);
      if (item.alias?.name === "ROWTIME" && !item.alias.quoted) {
        if (expression.type.name !== "TIMESTAMP")
          throw this.error(
            item.span,
            `the item aliased ROWTIME must be a TIMESTAMP, got ${formatSqlType(expression.type)}`,
          );
        rowtime = expression;
        continue;
      }
      items.push({ name, expression });
    }
    for (const item of items) this.inlineWindows(item.expression, base, windows);
    const having =
      select.having === undefined
        ? undefined
        : this.expressions.condition(select.having, itemScope, "HAVING");
    if (having !== undefined) this.requireGrouped(having, keys);
    const orderBy = select.orderBy.map((o) => ({
      expression: this.orderExpression(o.expression, items, itemScope),
      descending: o.descending,
    }));
    const within =
      select.within === undefined ? undefined : this.intervalMs(select.within, "ORDER BY ... WITHIN");
    // §7.5: a streaming ORDER BY gathers rows while its leading (monotonic) expression holds still.
    const leading = orderBy[0];
    if (leading !== undefined && within === undefined && !isMonotonic(leading.expression))
      throw this.error(
        select.orderBy[0]!.expression.span,
        "a streaming ORDER BY must start with a monotonic time expression such as FLOOR(s.ROWTIME TO MINUTE), or use ORDER BY ... WITHIN",
      );
    return {
      kind: "select",
      stream: select.stream,
      distinct: select.distinct,
      source,
      ...(where === undefined ? {} : { where }),
      groupBy,
      ...(monotonicKey === undefined ? {} : { monotonicKey }),
      ...(stagger === undefined ? {} : { stagger }),
      ...(having === undefined ? {} : { having }),
      items,
      ...(rowtime === undefined ? {} : { rowtime }),
      windows,
      orderBy,
      ...(within === undefined ? {} : { within }),
      columns: items.map((i) => ({
        name: i.name,
        type: i.expression.type,
        monotonic: isMonotonic(i.expression),
      })),
      span: select.span,
    };
  }

  // `agg(x) OVER (...)`: inline windows are checked like named ones, kept under `inlineWindowKey`.
  private inlineWindows(e: TypedExpression, scope: Scope, windows: Map<string, CheckedWindow>): void {
    if ((e.kind === "aggregate" || e.kind === "analytic") && e.over?.kind === "inline")
      windows.set(inlineWindowKey(e.over.spec), this.window(e.over.spec, scope));
    forEachChild(e, (child) => this.inlineWindows(child, scope, windows));
  }

  // KDA's default names: a column's own name, else EXPR$n (n counting select items from 0).
  private defaultName(e: Expression, position: number): string {
    if (e.kind === "name") return e.parts[e.parts.length - 1]!.name;
    return `EXPR$${position}`;
  }

  // ORDER BY may name a select item's alias (`ORDER BY ..., page_count DESC`).
  private orderExpression(
    e: Expression,
    items: readonly { name: string; expression: TypedExpression }[],
    scope: Scope,
  ): TypedExpression {
    if (e.kind === "name" && e.parts.length === 1) {
      const item = items.find((i) => i.name === e.parts[0]!.name);
      if (item !== undefined && !scope.columns.some((c) => c.name === item.name)) return item.expression;
    }
    return this.expressions.check(e, scope);
  }

  // In a GROUP BY or stagger query, what is outside aggregates must be made of the group keys.
  private requireGrouped(e: TypedExpression, keys: readonly TypedExpression[]): void {
    if (keys.some((k) => sameExpression(k, e))) return;
    switch (e.kind) {
      case "aggregate":
      case "analytic":
      case "literal":
        return;
      case "column":
      case "rowtime":
        throw this.error(
          e.span,
          `${e.kind === "rowtime" ? "ROWTIME" : e.name} must be a GROUP BY (or PARTITION BY) expression or inside an aggregate`,
        );
      case "call":
      case "logical":
        for (const arg of e.args) this.requireGrouped(arg, keys);
        return;
      case "is":
        this.requireGrouped(e.arg, keys);
        if (e.other !== undefined) this.requireGrouped(e.other, keys);
        return;
      case "case":
        for (const b of e.branches) {
          this.requireGrouped(b.when, keys);
          this.requireGrouped(b.result, keys);
        }
        if (e.otherwise !== undefined) this.requireGrouped(e.otherwise, keys);
        return;
      case "field":
        this.requireGrouped(e.arg, keys);
        return;
    }
  }

  private intervalMs(e: Expression, what: string): number {
    const typed = this.expressions.check(e, EMPTY_SCOPE);
    if (typed.kind !== "literal" || typed.type.name !== "INTERVAL_DAY_TIME")
      throw this.error(e.span, `${what} expects a day-time interval literal such as INTERVAL '1' MINUTE`);
    return (typed.value as SqlInterval & { kind: "day-time" }).ms;
  }

  private window(spec: WindowSpecification, scope: Scope): CheckedWindow {
    if (spec.base !== undefined)
      throw this.error(
        spec.base.span,
        "a window based on another window is not supported; repeat its PARTITION BY and frame",
      );
    if (spec.orderBy.length > 0)
      throw this.error(
        spec.span,
        "ORDER BY inside a window is not allowed for windowed aggregation: rows are in ROWTIME order",
      );
    const partitionBy = spec.partitionBy.map((e) => this.expressions.check(e, scope));
    const frame = spec.frame === undefined ? undefined : this.frame(spec.frame);
    return { partitionBy, ...(frame === undefined ? {} : { frame }), span: spec.span };
  }

  // A11, A20: frames end at the current row; FOLLOWING and offset windows are refused.
  private frame(frame: WindowFrame): OverFrame | undefined {
    if (frame.end !== undefined && frame.end.kind !== "current-row")
      throw this.error(
        frame.span,
        "a window frame must end at CURRENT ROW (KDA allows no offset or FOLLOWING windows)",
      );
    const start = frame.start;
    switch (start.kind) {
      case "current-row":
        return frame.unit === "RANGE" ? { range: 0 } : { rows: 0 };
      case "unbounded-preceding":
        return undefined;
      case "following":
      case "unbounded-following":
        throw this.error(frame.span, "FOLLOWING windows are not allowed: a frame ends at the current row");
      case "preceding": {
        if (frame.unit === "RANGE") return { range: this.intervalMs(start.offset, "RANGE ... PRECEDING") };
        const rows = this.expressions.check(start.offset, EMPTY_SCOPE);
        if (
          rows.kind !== "literal" ||
          typeof rows.value !== "number" ||
          !Number.isInteger(rows.value) ||
          rows.value < 0
        )
          throw this.error(start.offset.span, "ROWS n PRECEDING expects a non-negative integer literal");
        return { rows: rows.value };
      }
    }
  }

  // -------------------------------------------------------------------------------------------

  private source(from: FromItem): ScopedSource {
    const scoped = this.sourceBody(from);
    const window = from.window === undefined ? undefined : this.joinWindow(from);
    return window === undefined ? scoped : { ...scoped, source: { ...scoped.source, window } };
  }

  private joinWindow(from: FromItem): CheckedWindow {
    const reference = from.window!;
    if (reference.kind === "named")
      throw this.error(
        reference.name.span,
        "a join side's window must be written inline: OVER (RANGE INTERVAL ... PRECEDING)",
      );
    if (reference.spec.partitionBy.length > 0)
      throw this.error(reference.spec.span, "a join's window cannot be partitioned");
    return this.window(reference.spec, EMPTY_SCOPE);
  }

  private sourceBody(from: FromItem): ScopedSource {
    switch (from.kind) {
      case "stream": {
        const name = from.name[from.name.length - 1]!;
        if (name.name.toLowerCase() === ERROR_STREAM)
          throw this.error(name.span, "SQL cannot read error_stream; deliver it with an output instead");
        const relation = this.relations.get(name.name);
        if (relation === undefined) {
          const known = [...this.relations.keys()];
          throw this.error(
            name.span,
            `unknown stream ${name.name}${known.length === 0 ? "" : `; the application has ${known.join(", ")}`}`,
          );
        }
        if (relation.role === "input") this.readInputs.add(name.name);
        const qualifier = from.alias?.name ?? name.name;
        const columns = this.renamed(
          relation.columns.map((c) => ({ ...c, monotonic: false })),
          from,
        );
        return {
          source: { kind: "stream", name: name.name, role: relation.role, columns, span: from.span },
          scope: columns.map((c, index) => ({ ...c, qualifier, index })),
          qualifiers: [qualifier],
        };
      }
      case "subquery": {
        const query = this.query(from.query);
        const columns = this.renamed(query.columns, from);
        const qualifier = from.alias?.name;
        return {
          source: { kind: "subquery", query, columns, span: from.span },
          scope: columns.map((c, index) => ({
            ...c,
            ...(qualifier === undefined ? {} : { qualifier }),
            index,
          })),
          qualifiers: qualifier === undefined ? [] : [qualifier],
        };
      }
      case "table-function":
        return this.tableFunction(from);
      case "join":
        return this.join(from);
    }
  }

  // `FROM r AS t(a, b)`: new names for the columns, in order.
  private renamed(columns: readonly CheckedColumn[], from: FromItem): CheckedColumn[] {
    const aliases = from.columnAliases;
    if (aliases === undefined) return [...columns];
    if (aliases.length !== columns.length)
      throw this.error(from.span, `${aliases.length} column names for ${columns.length} columns`);
    return columns.map((c, i) => ({ ...c, name: aliases[i]!.name }));
  }

  private tableFunction(from: Extract<FromItem, { kind: "table-function" }>): ScopedSource {
    const call = from.call;
    const fn = (this.options.functions ?? builtinFunctions()).get(call.name);
    if (fn?.kind !== "table")
      throw this.error(
        call.nameSpan,
        fn === undefined ? `unknown table function ${call.name}` : `${call.name} is not a table function`,
      );
    const [cursor, ...rest] = call.args;
    if (cursor?.kind !== "cursor")
      throw this.error(call.span, `${call.name} expects CURSOR(SELECT STREAM ...) as its first argument`);
    const input = this.query(cursor.query);
    const args = rest.map((a) => {
      const typed = this.expressions.check(a, EMPTY_SCOPE);
      return typed.kind === "literal" ? { type: typed.type, literal: typed.value } : { type: typed.type };
    });
    let output: readonly SqlField[];
    try {
      output = fn.outputColumns(input.columns, args);
    } catch (error) {
      if (error instanceof SqlFunctionError) throw this.error(call.span, error.message);
      throw error;
    }
    const columns = this.renamed(
      output.map((c) => ({ ...c, monotonic: false })),
      from,
    );
    const qualifier = from.alias?.name;
    return {
      source: { kind: "table-function", fn, input, args, columns, span: from.span },
      scope: columns.map((c, index) => ({ ...c, ...(qualifier === undefined ? {} : { qualifier }), index })),
      qualifiers: qualifier === undefined ? [] : [qualifier],
    };
  }

  // A join side (not itself a join) gets its ROWTIME as a hidden last column, for `s.ROWTIME`.
  private withRowtime(side: ScopedSource): ScopedSource {
    if (side.source.kind === "join") return side;
    const rowtime: CheckedColumn = {
      name: "ROWTIME",
      type: { name: "TIMESTAMP", nullable: false },
      monotonic: true,
      hidden: true,
    };
    const index = side.source.columns.length;
    const qualifier = side.qualifiers[0];
    return {
      source: { ...side.source, columns: [...side.source.columns, rowtime] },
      scope: [...side.scope, { ...rowtime, index, ...(qualifier === undefined ? {} : { qualifier }) }],
      qualifiers: side.qualifiers,
    };
  }

  private join(from: Extract<FromItem, { kind: "join" }>): ScopedSource {
    if (from.natural)
      throw this.error(from.span, "NATURAL JOIN is not supported; write the condition with ON");
    const left = this.withRowtime(this.source(from.left));
    const right = this.withRowtime(this.source(from.right));
    const offset = left.source.columns.length;
    const scope = [...left.scope, ...right.scope.map((c) => ({ ...c, index: c.index + offset }))];
    const qualifiers = [...left.qualifiers, ...right.qualifiers];
    const joined: Scope = { columns: scope, qualifiers, aggregates: false, windows: [] };
    let condition: TypedExpression | undefined;
    if (from.on !== undefined) condition = this.expressions.condition(from.on, joined, "ON");
    if (from.using !== undefined) {
      const tests = from.using.map((id) => {
        const l = left.scope.find((c) => c.name === id.name);
        const r = right.scope.find((c) => c.name === id.name);
        if (l === undefined || r === undefined)
          throw this.error(id.span, `USING column ${id.name} must be on both sides`);
        const column = (c: ScopeColumn, index: number): TypedExpression => ({
          kind: "column",
          index,
          name: c.name,
          monotonic: false,
          type: c.type,
          span: id.span,
        });
        return this.expressions.scalarCall("=", [column(l, l.index), column(r, r.index + offset)], id.span);
      });
      condition = tests.reduce<TypedExpression>(
        (a, b) => ({
          kind: "logical",
          op: "AND",
          args: [a, b],
          type: { name: "BOOLEAN", nullable: a.type.nullable || b.type.nullable },
          span: from.span,
        }),
        tests[0]!,
      );
    }
    if (from.join !== "CROSS" && condition === undefined)
      throw this.error(from.span, `${from.join} JOIN needs ON or USING`);
    const columns = [...left.source.columns, ...right.source.columns];
    return {
      source: {
        kind: "join",
        join: from.join,
        left: left.source,
        right: right.source,
        ...(condition === undefined ? {} : { condition }),
        columns,
        span: from.span,
      },
      scope,
      qualifiers,
    };
  }
}
