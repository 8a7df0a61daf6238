/**
 * An application description that Eddy cannot run: `path` is where in the JSON (as
 * `ApplicationDetail.InputDescriptions[0].InputSchema.RecordColumns[2].SqlType`), the message
 * says what was expected there and what was found. `eddy-sql run` prints the message and exits 2.
 *
 * @example
 * try {
 *   readApplicationDescription({ ApplicationDetail: {} });
 * } catch (error) {
 *   if (error instanceof ApplicationDescriptionError) console.error(error.message);
 *   // ApplicationDetail.ApplicationName: expected a string, found nothing
 * }
 */
export class ApplicationDescriptionError extends Error {
  /** Always `"ApplicationDescriptionError"`. */
  override readonly name = "ApplicationDescriptionError";

  constructor(
    /** Where in the JSON, as a property path (`""` for the whole document). */
    readonly path: string,
    /** What should be there and what is. */
    readonly problem: string,
  ) {
    super(path === "" ? problem : `${path}: ${problem}`);
  }
}

/** What a value is, for messages: `the string "x"`, `a number`, `nothing`. */
function found(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === "object") return "an object";
  return `${typeof value === "number" ? "the number" : "the value"} ${String(value)}`;
}

/**
 * A position in a JSON document being read, which knows its path: every accessor either returns
 * a value of the type asked for or throws an {@link ApplicationDescriptionError} naming the path.
 */
export class JsonCursor {
  constructor(
    readonly value: unknown,
    readonly path: string,
  ) {}

  /** The cursor of a property (its value may be missing). */
  at(key: string): JsonCursor {
    const record = this.#object();
    return new JsonCursor(Object.hasOwn(record, key) ? record[key] : undefined, this.#child(key));
  }

  /** Whether the property is present and not null. */
  has(key: string): boolean {
    const value = this.#object()[key];
    return value !== undefined && value !== null;
  }

  /** The first of `keys` that is present, or undefined. */
  firstOf(keys: readonly string[]): string | undefined {
    return keys.find((key) => this.has(key));
  }

  /** Fails at this position. */
  fail(problem: string): never {
    throw new ApplicationDescriptionError(this.path, problem);
  }

  /** Fails unless this is an object (the cursor itself, for chaining). */
  object(): this {
    this.#object();
    return this;
  }

  string(): string {
    if (typeof this.value !== "string") this.fail(`expected a string, found ${found(this.value)}`);
    return this.value;
  }

  optionalString(): string | undefined {
    return this.value === undefined || this.value === null ? undefined : this.string();
  }

  /** A string that is one of `allowed`. */
  oneOf<T extends string>(allowed: readonly T[]): T {
    const text = this.string();
    if (!(allowed as readonly string[]).includes(text)) {
      this.fail(`expected one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}, found ${found(text)}`);
    }
    return text as T;
  }

  /** An integer in `[min, max]`. */
  integer(min: number, max: number): number {
    const value = this.value;
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      this.fail(`expected an integer from ${min} to ${max}, found ${found(value)}`);
    }
    return value;
  }

  /** The elements of an array (missing or null: empty), each with its path. */
  items(): JsonCursor[] {
    if (this.value === undefined || this.value === null) return [];
    if (!Array.isArray(this.value)) this.fail(`expected an array, found ${found(this.value)}`);
    return this.value.map((item, index) => new JsonCursor(item, `${this.path}[${index}]`));
  }

  #object(): Record<string, unknown> {
    const value = this.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(`expected an object, found ${found(value)}`);
    }
    return value as Record<string, unknown>;
  }

  #child(key: string): string {
    return this.path === "" ? key : `${this.path}.${key}`;
  }
}
