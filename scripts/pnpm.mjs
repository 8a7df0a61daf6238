#!/usr/bin/env node
// Runs the pinned pnpm without a global install: a fresh machine has only Node and npm.
// npx caches the download, so only the first call pays for it.
import { spawnSync } from "node:child_process";

const PNPM = "pnpm@12.21.0";
const result = spawnSync("npx", ["--yes", PNPM, ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    TURBO_TELEMETRY_DISABLED: "1",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    ...process.env,
  },
});
process.exit(result.status ?? 1);
