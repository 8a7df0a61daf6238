import { readFileSync } from "node:fs";
import { readmeSettingsTable, settingsTable } from "@eddy/app-kit";
import { expect, test } from "vitest";
import { FX_SETTINGS } from "./fx-settings.ts";

test("the README's settings table is the one the code has", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  expect(readmeSettingsTable(readme)).toBe(settingsTable(FX_SETTINGS));
});
