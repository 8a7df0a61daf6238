import { createRequire } from "node:module";
import { parseArgs } from "node:util";

/**
 * One setting of an app: read from a command-line flag, else from an environment variable, else
 * its default. The same declaration prints `--help` and the table in the app's README, so the
 * documentation cannot drift from the code.
 */
export interface Setting<T> {
  /** The flag without dashes, e.g. `rate` for `--rate 200`. */
  readonly flag: string;
  readonly env: string;
  readonly description: string;
  /** Parses the flag's or variable's text; throws a `TypeError` saying what is wrong. */
  readonly parse: (text: string) => T;
  /** The value when neither is given. */
  readonly default: T;
  /** How the default reads in the docs, when `String(default)` would not say it well. */
  readonly defaultText?: string;
  /** A flag that takes no value (`--fresh`); its variable takes `true`/`false`. */
  readonly switch?: boolean;
  /**
   * The value of the flag given alone (`--dashboard` as `--dashboard 8081`): its value may then be
   * left out, at the end of the command or before the next flag.
   */
  readonly bareValue?: string;
}

/** The values of a set of settings. */
export type SettingValues<S extends Record<string, Setting<unknown>>> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

/** A setting that was given a value it cannot take, or a flag no setting has. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

/**
 * Reads `settings` from `argv` (flags, e.g. `process.argv.slice(2)`) and `env`: a flag wins over
 * its variable, a variable over the default. Unknown flags and values a setting cannot parse
 * throw a {@link SettingsError} naming the flag or variable and what was wrong.
 *
 * @example
 * const values = readSettings({ rate: { flag: "rate", env: "FX_RATE", description: "ticks per second", parse: positiveNumber, default: 240 } }, ["--rate", "500"], {});
 * values.rate; // 500
 */
export function readSettings<S extends Record<string, Setting<unknown>>>(
  settings: S,
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): SettingValues<S> {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const setting of Object.values(settings)) {
    options[setting.flag] = { type: setting.switch ? "boolean" : "string" };
  }
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: normalized(settings, argv), options, strict: true, allowPositionals: false })
      .values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new SettingsError(`${(error as Error).message} (--help lists the settings)`);
  }
  const values: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(settings)) {
    const flag = flags[setting.flag];
    const fromEnv = env[setting.env];
    const [text, where] =
      flag !== undefined
        ? [String(flag), `--${setting.flag}`]
        : fromEnv !== undefined && fromEnv !== ""
          ? [fromEnv, setting.env]
          : [undefined, ""];
    if (text === undefined) {
      values[name] = setting.default;
      continue;
    }
    try {
      values[name] = setting.parse(text);
    } catch (error) {
      throw new SettingsError(`${where}=${JSON.stringify(text)}: ${(error as Error).message}`);
    }
  }
  return values as SettingValues<S>;
}

/**
 * `argv` as `parseArgs` should read it: without a leading `--` (`pnpm start -- --mode local` passes
 * it on), and with the implied value after each flag given alone whose setting has a `bareValue`.
 */
function normalized(settings: Record<string, Setting<unknown>>, argv: readonly string[]): string[] {
  const bare = new Map<string, string>();
  for (const s of Object.values(settings))
    if (s.bareValue !== undefined) bare.set(`--${s.flag}`, s.bareValue);
  const args: string[] = [];
  for (let i = argv[0] === "--" ? 1 : 0; i < argv.length; i++) {
    const arg = argv[i]!;
    args.push(arg);
    const implied = bare.get(arg);
    const next = argv[i + 1];
    if (implied !== undefined && (next === undefined || next.startsWith("--"))) args.push(implied);
  }
  return args;
}

/** `--help`: every setting with its flag, variable, default and meaning, two lines each. */
export function helpText(title: string, settings: Record<string, Setting<unknown>>): string {
  const entries = Object.values(settings).map(
    (s) =>
      `  --${s.flag}${s.switch ? "" : s.bareValue !== undefined ? " [<value>]" : " <value>"}   ${s.env}, default ${defaultTextOf(s)}\n      ${s.description}`,
  );
  return `${title}\n\nA flag wins over its environment variable, which wins over the default.\n\n${entries.join("\n")}\n`;
}

/** The README table of `settings` (Markdown). */
export function settingsTable(settings: Record<string, Setting<unknown>>): string {
  const escapePipes = (text: string) => text.replaceAll("|", "\\|");
  const lines = ["| flag | environment variable | default | meaning |", "| --- | --- | --- | --- |"];
  for (const s of Object.values(settings)) {
    const flag = s.bareValue !== undefined ? `--${s.flag} [<value>]` : `--${s.flag}`;
    lines.push(
      `| \`${flag}\` | \`${s.env}\` | ${escapePipes(defaultTextOf(s))} | ${escapePipes(s.description)} |`,
    );
  }
  return lines.join("\n");
}

function defaultTextOf(setting: Setting<unknown>): string {
  if (setting.defaultText !== undefined) return setting.defaultText;
  return setting.default === undefined ? "—" : `\`${String(setting.default)}\``;
}

// Parsers: each throws a TypeError that says what it wanted.

/** Any non-empty text. */
export function text(value: string): string {
  if (value.trim() === "") throw new TypeError("must not be empty");
  return value;
}

/** A whole number >= `min`. */
export function integer(min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value.replaceAll("_", ""));
    if (!Number.isInteger(n) || n < min) throw new TypeError(`must be a whole number >= ${min}`);
    return n;
  };
}

/** A finite number > 0. */
export function positiveNumber(value: string): number {
  const n = Number(value.replaceAll("_", ""));
  if (!Number.isFinite(n) || n <= 0) throw new TypeError("must be a number > 0");
  return n;
}

/** A fraction written as a percentage: `0.5%` or `0.5` → 0.005. */
export function percentage(value: string): number {
  const n = Number(value.trim().replace(/%$/, ""));
  if (!Number.isFinite(n) || n <= 0 || n >= 100)
    throw new TypeError("must be a percentage in (0, 100), e.g. 0.5%");
  return n / 100;
}

/** `true`/`false` (also `1`/`0`, `yes`/`no`). */
export function boolean(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (["true", "1", "yes", "on"].includes(v)) return true;
  if (["false", "0", "no", "off"].includes(v)) return false;
  throw new TypeError("must be true or false");
}

const UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/** A duration in milliseconds: `250ms`, `5s`, `2m`, `1h`, or a bare number of milliseconds. */
export function duration(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new TypeError("must be a duration such as 500ms, 5s, 2m or 1h");
  return Math.round(Number(match[1]) * UNITS[match[2] ?? "ms"]!);
}

/** One of `choices`. */
export function oneOf<const C extends string>(choices: readonly C[]): (value: string) => C {
  return (value) => {
    if (!(choices as readonly string[]).includes(value))
      throw new TypeError(`must be one of ${choices.join(", ")}`);
    return value as C;
  };
}

/** A comma-separated list of `choices` (at least one). */
export function listOf<const C extends string>(choices: readonly C[]): (value: string) => C[] {
  const one = oneOf(choices);
  return (value) => {
    const items = value
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== "");
    if (items.length === 0) throw new TypeError(`must list one or more of ${choices.join(", ")}`);
    return [...new Set(items.map(one))];
  };
}

/**
 * An app's settings from `process.argv` and `process.env`: prints `--help` and exits, or prints
 * what is wrong with a flag or variable and exits with status 2.
 */
export function settingsOrExit<S extends Record<string, Setting<unknown>>>(
  title: string,
  settings: S,
): SettingValues<S> {
  const asked = informationAsked(process.argv.slice(2));
  if (asked === "help") {
    console.log(helpText(title, settings));
    process.exit(0);
  }
  if (asked === "version") {
    console.log(versionText(title));
    process.exit(0);
  }
  try {
    return readSettings(settings, process.argv.slice(2), process.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/**
 * Awaits `work`, e.g. `resolveRuntime(settings)`: settings that do not fit together (a
 * {@link SettingsError}) print their message and exit with status 2, as {@link settingsOrExit}
 * does for a single bad setting; other errors are thrown as they are.
 */
export async function orExit<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
}

/**
 * The settings table of an app's README: what sits between `<!-- settings… -->` and
 * `<!-- /settings -->`, for a test to compare with {@link settingsTable}.
 */
export function readmeSettingsTable(readme: string): string | undefined {
  return /<!-- settings[^>]*-->\n([\s\S]*?)\n<!-- \/settings -->/.exec(readme)?.[1];
}

/**
 * What a command line asks for instead of a run: `-h`/`--help` the settings, `--version` the
 * versions; undefined for a run.
 *
 * @example
 * informationAsked(["-h"]); // "help"
 * informationAsked(["--rate", "5"]); // undefined
 */
export function informationAsked(argv: readonly string[]): "help" | "version" | undefined {
  if (argv.includes("-h") || argv.includes("--help")) return "help";
  if (argv.includes("--version")) return "version";
  return undefined;
}

/**
 * `--version`: the app's name (its title up to the colon) and the version of Eddy it runs on.
 *
 * @example
 * versionText("fx-pricing: rolling FX statistics"); // "fx-pricing on Eddy 0.0.0"
 */
export function versionText(title: string): string {
  const name = title.split(":")[0]!.trim();
  const core = createRequire(import.meta.url)("@eddy/core/package.json") as { version: string };
  return `${name} on Eddy ${core.version}`;
}
