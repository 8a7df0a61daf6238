import { defineConfig, type UserConfig } from "tsdown";

/**
 * How every publishable package builds: ESM for Node (the `engines.node` floor is the target) with
 * bundled declaration files, into `dist/`. The workspace itself runs on `src/` (package.json
 * `exports`); `publishConfig` points the packed package at what this produces.
 *
 * Dependencies and peer dependencies stay external (tsdown's default), so `@eddy/core` is one
 * runtime instance shared by every package that imports it. Entries share chunks: `@eddy/core` and
 * `@eddy/core/testing` hand out the same classes.
 */
export function libraryBuild(entry: string[] = ["src/index.ts"]): UserConfig {
  return defineConfig({
    entry,
    format: "esm",
    platform: "node",
    dts: true,
    outDir: "dist",
    clean: true,
    // `.js` / `.d.ts`: the packages are "type": "module", so no `.mjs` is needed.
    fixedExtension: false,
    hash: false,
    sourcemap: false,
    report: false,
    failOnWarn: true,
    // Declaration bundling dominates build time; the timing notice is noise in CI logs.
    checks: { pluginTimings: false },
  });
}
