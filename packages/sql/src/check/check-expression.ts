import { comparable } from "../functions/comparison/comparison-operators.ts";
import { parseDatetimeLiteral } from "../functions/datetime/datetime-literals.ts";
import { formatQualifier, parseIntervalLiteral } from "../functions/datetime/interval-literals.ts";
import {
  type AggregateCallOptions,
  type ArgumentInfo,
  type SqlFunction,
  SqlFunctionError,
} from "../functions/function-contract.ts";
import { commonType, decimal, intervalType, sqlType } from "../functions/support/sql-types.ts";
import type {
  CallExpression,
  Expression,
  Identifier,
  LiteralExpression,
  NameExpression,
  SourceSpan,
} from "../syntax/ast.ts";
import { formatSqlType, type SqlType } from "../types/sql-type.ts";
import { SqlCheckError } from "./check-error.ts";
import type { TypedCall, TypedExpression, TypedLiteral } from "./typed-expression.ts";

/**
 * A column that names in an expression can reach: its stored name, the stream or alias that
 * qualifies it, its type and its position in the input row.
 */
export interface ScopeColumn {
  /** The stream's name or alias (`o` in `FROM orders AS o`), when it has one. */
  readonly qualifier?: string;
  readonly name: string;
  readonly type: SqlType;
  readonly index: number;
  /** Non-decreasing in the input (ROWTIME-derived): a streaming GROUP BY may key on it. */
  readonly monotonic?: boolean;
  /** Left out of `*` (a join side's ROWTIME). */
  readonly hidden?: boolean;
}

/** What an expression may refer to. */
export interface Scope {
  readonly columns: readonly ScopeColumn[];
  /** Stream names and aliases of the FROM clause (`s` in `s.ROWTIME`). */
  readonly qualifiers: readonly string[];
  /** Whether aggregate calls without OVER are allowed here (a GROUP BY or stagger select list). */
  readonly aggregates: boolean;
  /** Names of the query's WINDOW clause, for `OVER w`. */
  readonly windows: readonly string[];
}

/** A scope with no columns: constant expressions such as `VALUES (1 + 2)`. */
export const EMPTY_SCOPE: Scope = { columns: [], qualifiers: [], aggregates: false, windows: [] };

const NULL_TYPE = sqlType("NULL");
const BOOLEAN = sqlType("BOOLEAN", false);

function integerLiteralType(value: number): SqlType {
  return sqlType(Math.abs(value) <= 2147483647 ? "INTEGER" : "BIGINT", false);
}

// `2.50` is DECIMAL(3, 2): the digits written, as SQL types exact numeric literals.
function numberLiteralType(text: string): SqlType {
  const unsigned = text.replace(/^[-+]/, "");
  if (/[eE]/.test(unsigned)) return sqlType("DOUBLE", false);
  const [whole = "", fraction] = unsigned.split(".");
  if (fraction === undefined) return integerLiteralType(Number(text));
  const wholeDigits = whole.replace(/^0+/, "").length;
  return decimal(Math.max(1, wholeDigits + fraction.length), fraction.length, false);
}

/**
 * Checks expressions against a scope and the function registry: resolves names, types every node
 * with KDA's rules (the registry's `returnType`, `arithmeticType` for operators), and refuses what
 * does not fit with a {@link SqlCheckError} pointing at the offending part of the SQL.
 */
export class ExpressionChecker {
  constructor(
    private readonly text: string,
    private readonly functions: ReadonlyMap<string, SqlFunction>,
  ) {}

  /** A located error. */
  error(span: SourceSpan, reason: string): SqlCheckError {
    return new SqlCheckError(this.text, span, reason);
  }

  /** Checks an expression that must be BOOLEAN (WHERE, HAVING, ON, WHEN). */
  condition(e: Expression, scope: Scope, clause: string): TypedExpression {
    const typed = this.check(e, scope);
    if (typed.type.name !== "BOOLEAN" && typed.type.name !== "NULL")
      throw this.error(e.span, `${clause} expects a BOOLEAN condition, got ${formatSqlType(typed.type)}`);
    return typed;
  }

  /** Checks one expression. */
  check(e: Expression, scope: Scope): TypedExpression {
    switch (e.kind) {
      case "literal":
        return this.literal(e);
      case "name":
        return this.name(e, scope);
      case "call":
        return this.call(e, scope);
      case "logical": {
        const args = e.args.map((a) => this.check(a, scope));
        for (const [i, arg] of args.entries()) {
          if (arg.type.name !== "BOOLEAN" && arg.type.name !== "NULL")
            throw this.error(
              e.args[i]!.span,
              `${e.op} expects BOOLEAN operands, got ${formatSqlType(arg.type)}`,
            );
        }
        const type = sqlType(
          "BOOLEAN",
          args.some((a) => a.type.nullable),
        );
        return { kind: "logical", op: e.op, args, type, span: e.span };
      }
      case "is": {
        const arg = this.check(e.arg, scope);
        const other = e.other === undefined ? undefined : this.check(e.other, scope);
        if (e.test === "TRUE" || e.test === "FALSE" || e.test === "UNKNOWN") {
          if (arg.type.name !== "BOOLEAN" && arg.type.name !== "NULL")
            throw this.error(e.arg.span, `IS ${e.test} expects a BOOLEAN, got ${formatSqlType(arg.type)}`);
        }
        if (other !== undefined && !comparable(arg.type, other.type))
          throw this.error(
            e.span,
            `IS DISTINCT FROM expects two comparable values, got ${formatSqlType(arg.type)} and ${formatSqlType(other.type)}`,
          );
        return {
          kind: "is",
          test: e.test,
          negated: e.negated,
          arg,
          ...(other === undefined ? {} : { other }),
          type: BOOLEAN,
          span: e.span,
        };
      }
      case "between":
        return this.between(e.arg, e.low, e.high, e.symmetric, e.negated, e.span, scope);
      case "in": {
        const arg = this.check(e.arg, scope);
        const tests = e.list.map((item) => this.scalarCall("=", [arg, this.check(item, scope)], item.span));
        return this.negate(this.fold("OR", tests, e.span), e.negated);
      }
      case "case":
        return this.caseExpression(e, scope);
      case "cursor":
        throw this.error(
          e.span,
          "CURSOR(...) is only allowed as an argument of a table function in FROM TABLE(...)",
        );
      case "interval-of": {
        const inner = e.arg;
        if (inner.kind !== "call" || inner.name !== "-" || inner.args.length !== 2)
          throw this.error(
            e.span,
            "an interval qualifier here expects a difference of two datetimes: (a - b) DAY TO SECOND",
          );
        const args = inner.args.map((a) => this.check(a, scope));
        const qualifier = this.literalText(formatQualifier(e.qualifier), e.span);
        return this.scalarCall("-", [...args, qualifier], e.span);
      }
      case "field": {
        const arg = this.check(e.arg, scope);
        return this.field(arg, e.field, e.span);
      }
    }
  }

  private literal(e: LiteralExpression): TypedLiteral {
    const span = e.span;
    try {
      switch (e.type) {
        case "number":
          return { kind: "literal", value: Number(e.text), type: numberLiteralType(e.text), span };
        case "string":
          return this.literalText(e.value, span);
        case "boolean":
          return { kind: "literal", value: e.value, type: sqlType("BOOLEAN", e.value === null), span };
        case "null":
          return { kind: "literal", value: null, type: NULL_TYPE, span };
        case "binary": {
          const bytes = new Uint8Array(e.hex.length / 2);
          for (let i = 0; i < bytes.length; i++)
            bytes[i] = Number.parseInt(e.hex.slice(2 * i, 2 * i + 2), 16);
          return {
            kind: "literal",
            value: bytes,
            type: { name: "BINARY", length: bytes.length, nullable: false },
            span,
          };
        }
        case "datetime":
          return {
            kind: "literal",
            value: parseDatetimeLiteral(e.datetime, e.text),
            type: sqlType(e.datetime, false),
            span,
          };
        case "interval":
          return {
            kind: "literal",
            value: parseIntervalLiteral(e.text, e.qualifier, e.negative),
            type: intervalType(e.qualifier, false),
            span,
          };
      }
    } catch (error) {
      if (error instanceof SqlFunctionError) throw this.error(span, error.message);
      throw error;
    }
  }

  private literalText(value: string, span: SourceSpan): TypedLiteral {
    return { kind: "literal", value, type: { name: "CHAR", length: value.length, nullable: false }, span };
  }

  private name(e: NameExpression, scope: Scope): TypedExpression {
    const [first, ...rest] = e.parts as [Identifier, ...Identifier[]];
    // `s.col…`: a qualifier first, when it names a stream of the FROM clause.
    if (rest.length > 0 && scope.qualifiers.includes(first.name)) {
      const [column, ...fields] = rest as [Identifier, ...Identifier[]];
      const resolved = this.column(column, first.name, scope, column.span);
      return fields.reduce<TypedExpression>((arg, field) => this.field(arg, field, e.span), resolved);
    }
    const resolved = this.column(first, undefined, scope, first.span);
    return rest.reduce<TypedExpression>((arg, field) => this.field(arg, field, e.span), resolved);
  }

  private column(
    id: Identifier,
    qualifier: string | undefined,
    scope: Scope,
    span: SourceSpan,
  ): TypedExpression {
    // Unqualified ROWTIME is the output row's time; `s.ROWTIME` is a join side's own (a column).
    if (id.name === "ROWTIME" && qualifier === undefined)
      return { kind: "rowtime", type: sqlType("TIMESTAMP", false), span };
    const matches = scope.columns.filter(
      (c) => c.name === id.name && (qualifier === undefined || c.qualifier === qualifier),
    );
    if (matches.length === 0 && id.name === "ROWTIME")
      return { kind: "rowtime", type: sqlType("TIMESTAMP", false), span };
    if (matches.length > 1 && qualifier === undefined)
      throw this.error(
        span,
        `column ${id.name} is ambiguous: it is in ${matches.map((m) => m.qualifier).join(" and ")}; qualify it`,
      );
    const match = matches[0];
    if (match === undefined) {
      const known = scope.columns
        .filter((c) => (qualifier === undefined || c.qualifier === qualifier) && c.name !== "ROWTIME")
        .map((c) => c.name);
      const hint = this.spellingHint(id, known);
      const where = qualifier === undefined ? "" : ` of ${qualifier}`;
      const list = known.length === 0 ? "no columns" : `the columns ${known.join(", ")}`;
      throw this.error(span, `unknown column ${id.name}${where}${hint}; the query can use ${list}`);
    }
    return {
      kind: "column",
      index: match.index,
      name: match.name,
      monotonic: match.monotonic ?? false,
      type: match.type,
      span,
    };
  }

  // KDA upper-cases unquoted names: a column created quoted in lower case needs its quotes.
  private spellingHint(id: Identifier, known: readonly string[]): string {
    const sameLetters = known.find((k) => k.toUpperCase() === id.name.toUpperCase());
    if (sameLetters === undefined || sameLetters === id.name) return "";
    return ` (did you mean "${sameLetters}"? unquoted names are upper-cased)`;
  }

  private field(arg: TypedExpression, field: Identifier, span: SourceSpan): TypedExpression {
    if (arg.type.name !== "ROW")
      throw this.error(span, `${field.name} is not a field: ${formatSqlType(arg.type)} is not a ROW value`);
    const fields = arg.type.fields ?? [];
    const found = fields.find((f) => f.name === field.name);
    if (found === undefined)
      throw this.error(
        span,
        `unknown field ${field.name}; the ROW has the fields ${fields.map((f) => f.name).join(", ")}`,
      );
    return { kind: "field", arg, field: found.name, type: found.type, span };
  }

  private between(
    argSyntax: Expression,
    low: Expression,
    high: Expression,
    symmetric: boolean,
    negated: boolean,
    span: SourceSpan,
    scope: Scope,
  ): TypedExpression {
    const arg = this.check(argSyntax, scope);
    const lowTyped = this.check(low, scope);
    const highTyped = this.check(high, scope);
    const within = (from: TypedExpression, to: TypedExpression) =>
      this.fold(
        "AND",
        [this.scalarCall(">=", [arg, from], span), this.scalarCall("<=", [arg, to], span)],
        span,
      );
    const test = symmetric
      ? this.fold("OR", [within(lowTyped, highTyped), within(highTyped, lowTyped)], span)
      : within(lowTyped, highTyped);
    return this.negate(test, negated);
  }

  private fold(op: "AND" | "OR", args: readonly TypedExpression[], span: SourceSpan): TypedExpression {
    return args.reduce((left, right) => ({
      kind: "logical",
      op,
      args: [left, right],
      type: sqlType("BOOLEAN", left.type.nullable || right.type.nullable),
      span,
    }));
  }

  private negate(e: TypedExpression, negated: boolean): TypedExpression {
    return negated ? { kind: "logical", op: "NOT", args: [e], type: e.type, span: e.span } : e;
  }

  private caseExpression(e: Extract<Expression, { kind: "case" }>, scope: Scope): TypedExpression {
    const operand = e.operand === undefined ? undefined : this.check(e.operand, scope);
    const branches = e.branches.map((b) => ({
      when:
        operand === undefined
          ? this.condition(b.when, scope, "WHEN")
          : this.scalarCall("=", [operand, this.check(b.when, scope)], b.when.span),
      result: this.check(b.result, scope),
    }));
    const otherwise = e.otherwise === undefined ? undefined : this.check(e.otherwise, scope);
    const results = [...branches.map((b) => b.result), ...(otherwise === undefined ? [] : [otherwise])];
    const common = commonType(results.map((r) => r.type));
    if (common === undefined)
      throw this.error(
        e.span,
        `CASE branches must have one type; got ${results.map((r) => formatSqlType(r.type)).join(", ")}`,
      );
    const type = otherwise === undefined ? { ...common, nullable: true } : common;
    return { kind: "case", branches, ...(otherwise === undefined ? {} : { otherwise }), type, span: e.span };
  }

  private argumentInfo(args: readonly TypedExpression[]): ArgumentInfo[] {
    return args.map((a) => (a.kind === "literal" ? { type: a.type, literal: a.value } : { type: a.type }));
  }

  /** A call of a registry scalar on checked arguments (operators, lowered syntax). */
  scalarCall(name: string, args: readonly TypedExpression[], span: SourceSpan): TypedCall {
    const fn = this.functions.get(name);
    if (fn?.kind !== "scalar") throw this.error(span, `unknown function ${name}`);
    const argInfo = this.argumentInfo(args);
    return { kind: "call", fn, args, argInfo, type: this.typed(() => fn.returnType(argInfo), span), span };
  }

  private typed(returnType: () => SqlType, span: SourceSpan): SqlType {
    try {
      return returnType();
    } catch (error) {
      if (error instanceof SqlFunctionError) throw this.error(span, error.message);
      throw error;
    }
  }

  private call(e: CallExpression, scope: Scope): TypedExpression {
    const fn = this.functions.get(e.name);
    if (fn === undefined) throw this.error(e.nameSpan, `unknown function ${e.name}`);
    const options: AggregateCallOptions = {
      distinct: e.distinct ?? false,
      star: e.star ?? false,
      nulls: e.nulls ?? "respect",
      ...(e.from === undefined ? {} : { from: e.from }),
    };
    if (e.over?.kind === "named" && !scope.windows.includes(e.over.name.name))
      throw this.error(
        e.over.name.span,
        `unknown window ${e.over.name.name}; ${scope.windows.length === 0 ? "the query has no WINDOW clause" : `the query defines ${scope.windows.join(", ")}`}`,
      );
    switch (fn.kind) {
      case "scalar": {
        if (e.over !== undefined)
          throw this.error(e.span, `${e.name} is not an aggregate or analytic function: it takes no OVER`);
        if (e.star) throw this.error(e.span, `${e.name}(*) is only for COUNT`);
        return this.scalarCall(
          e.name,
          e.args.map((a) => this.check(a, scope)),
          e.span,
        );
      }
      case "aggregate": {
        if (e.over === undefined && !scope.aggregates)
          throw this.error(
            e.span,
            `aggregate ${e.name} needs a GROUP BY, a WINDOWED BY STAGGER or an OVER window`,
          );
        if (options.distinct && e.over === undefined)
          throw this.error(e.span, `${e.name}(DISTINCT ...) is not allowed in streaming aggregation`);
        // An aggregate's arguments are per-row expressions: no aggregate inside another.
        const inner = { ...scope, aggregates: false };
        const args = e.args.map((a) => this.check(a, inner));
        const argInfo = this.argumentInfo(args);
        const type = this.typed(() => fn.returnType(argInfo, options), e.span);
        return {
          kind: "aggregate",
          fn,
          args,
          argInfo,
          options,
          ...(e.over === undefined ? {} : { over: e.over }),
          type,
          span: e.span,
        };
      }
      case "analytic": {
        if (e.over === undefined) throw this.error(e.span, `${e.name} needs an OVER window`);
        const args = e.args.map((a) => this.check(a, { ...scope, aggregates: false }));
        const argInfo = this.argumentInfo(args);
        const type = this.typed(() => fn.returnType(argInfo, options), e.span);
        return { kind: "analytic", fn, args, argInfo, options, over: e.over, type, span: e.span };
      }
      case "table":
        throw this.error(
          e.span,
          `${e.name} is a table function: call it as FROM TABLE(${e.name}(CURSOR(...), ...))`,
        );
    }
  }
}
