import { describe, expect, test } from "vitest";
import {
  boolean,
  duration,
  helpText,
  informationAsked,
  integer,
  listOf,
  percentage,
  readSettings,
  type Setting,
  SettingsError,
  settingsTable,
  versionText,
} from "./settings.ts";

const SETTINGS = {
  rate: { flag: "rate", env: "T_RATE", description: "per second", parse: integer(1), default: 240 },
  within: {
    flag: "within",
    env: "T_WITHIN",
    description: "how long",
    parse: duration,
    default: 60_000,
    defaultText: "`60s`",
  },
  fresh: {
    flag: "fresh",
    env: "T_FRESH",
    description: "start over",
    parse: boolean,
    default: false,
    switch: true,
  },
  sinks: {
    flag: "sinks",
    env: "T_SINKS",
    description: "a | list",
    parse: listOf(["console", "files"]),
    default: undefined,
  } as Setting<("console" | "files")[] | undefined>,
} satisfies Record<string, Setting<unknown>>;

describe("readSettings", () => {
  test("a flag wins over its variable, a variable over the default", () => {
    expect(readSettings(SETTINGS, [], {})).toEqual({
      rate: 240,
      within: 60_000,
      fresh: false,
      sinks: undefined,
    });
    expect(readSettings(SETTINGS, [], { T_RATE: "500", T_FRESH: "true", T_SINKS: "files, console" })).toEqual(
      {
        rate: 500,
        within: 60_000,
        fresh: true,
        sinks: ["files", "console"],
      },
    );
    expect(
      readSettings(SETTINGS, ["--rate", "7", "--within", "2m", "--fresh"], { T_RATE: "500" }),
    ).toMatchObject({
      rate: 7,
      within: 120_000,
      fresh: true,
    });
  });

  test("an empty variable counts as not set", () => {
    expect(readSettings(SETTINGS, [], { T_RATE: "" }).rate).toBe(240);
  });

  test("a value a setting cannot take is refused, naming the flag or variable and why", () => {
    expect(() => readSettings(SETTINGS, ["--rate", "fast"], {})).toThrow(SettingsError);
    expect(() => readSettings(SETTINGS, ["--rate", "fast"], {})).toThrow(
      '--rate="fast": must be a whole number >= 1',
    );
    expect(() => readSettings(SETTINGS, [], { T_WITHIN: "soon" })).toThrow(
      'T_WITHIN="soon": must be a duration such as 500ms, 5s, 2m or 1h',
    );
    expect(() => readSettings(SETTINGS, [], { T_SINKS: "console,kafka" })).toThrow(
      "must be one of console, files",
    );
  });

  test("a flag with a bare value may be given alone: at the end or before the next flag", () => {
    const port = {
      port: {
        flag: "port",
        env: "T_PORT",
        description: "serve here",
        parse: integer(0),
        default: undefined,
        bareValue: "8081",
      } as Setting<number | undefined>,
      ...SETTINGS,
    };
    expect(readSettings(port, [], {}).port).toBeUndefined();
    expect(readSettings(port, ["--port"], {}).port).toBe(8081);
    expect(readSettings(port, ["--port", "--fresh"], {})).toMatchObject({ port: 8081, fresh: true });
    expect(readSettings(port, ["--port", "0", "--fresh"], {})).toMatchObject({ port: 0, fresh: true });
    expect(readSettings(port, ["--port=9000"], { T_PORT: "1" }).port).toBe(9000);
    expect(readSettings(port, [], { T_PORT: "9001" }).port).toBe(9001);
    // Only flags with a bare value take one implied: the others still need theirs.
    expect(() => readSettings(port, ["--rate"], {})).toThrow(/argument missing/);
    expect(helpText("t", port)).toContain("  --port [<value>]   T_PORT, default —\n");
    expect(settingsTable(port).split("\n")[2]).toBe("| `--port [<value>]` | `T_PORT` | — | serve here |");
  });

  test("a leading -- is not a positional argument: pnpm passes it on from `pnpm start -- --flag`", () => {
    expect(readSettings(SETTINGS, ["--", "--rate", "7"], {}).rate).toBe(7);
    expect(() => readSettings(SETTINGS, ["--rate", "7", "--", "x"], {})).toThrow(/Unexpected argument/);
  });

  test("an unknown flag is refused, pointing at --help", () => {
    expect(() => readSettings(SETTINGS, ["--rat", "5"], {})).toThrow(/Unknown option '--rat'.*--help/);
  });
});

test("parsers", () => {
  expect([duration("250ms"), duration("5s"), duration("1.5m"), duration("1h"), duration("40")]).toEqual([
    250, 5_000, 90_000, 3_600_000, 40,
  ]);
  expect([percentage("0.5%"), percentage("2")]).toEqual([0.005, 0.02]);
  expect(() => percentage("150%")).toThrow(/percentage/);
  expect([boolean("yes"), boolean("0")]).toEqual([true, false]);
});

test("--help and the README table list every setting with its default", () => {
  const help = helpText("test app", SETTINGS);
  expect(help).toContain("  --rate <value>   T_RATE, default `240`\n      per second\n");
  expect(help).toContain("--fresh");
  expect(settingsTable(SETTINGS).split("\n")).toEqual([
    "| flag | environment variable | default | meaning |",
    "| --- | --- | --- | --- |",
    "| `--rate` | `T_RATE` | `240` | per second |",
    "| `--within` | `T_WITHIN` | `60s` | how long |",
    "| `--fresh` | `T_FRESH` | `false` | start over |",
    "| `--sinks` | `T_SINKS` | — | a \\| list |",
  ]);
});

test("-h and --help ask for the settings, --version for the versions, anything else is a run", () => {
  expect(informationAsked(["-h"])).toBe("help");
  expect(informationAsked(["--rate", "5", "--help"])).toBe("help");
  expect(informationAsked(["--version"])).toBe("version");
  expect(informationAsked(["--rate", "5"])).toBeUndefined();
  expect(versionText("fx-pricing: rolling FX statistics")).toMatch(/^fx-pricing on Eddy \d+\.\d+\.\d+/);
});
