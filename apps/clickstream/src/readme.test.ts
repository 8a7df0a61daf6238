import { readFileSync } from "node:fs";
import { readmeSettingsTable, settingsTable } from "@eddy/app-kit";
import { expect, test } from "vitest";
import { CLICKSTREAM_SETTINGS } from "./clickstream-settings.ts";

test("the README's settings table is the one the code has", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  expect(readmeSettingsTable(readme)).toBe(settingsTable(CLICKSTREAM_SETTINGS));
});
