import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

/** A public entry point: the module specifier users import and the source file behind it. */
export interface EntryPoint {
  readonly specifier: string;
  readonly packageName: string;
  readonly packageDir: string;
  readonly file: string;
}

/**
 * The public entry points, as listed in `tsconfig.typedoc.json` (the API reference's list, so the
 * two cannot drift), each named by its package's `exports` map.
 */
export function entryPoints(root: string): { entries: EntryPoint[]; options: ts.CompilerOptions } {
  const configPath = join(root, "tsconfig.typedoc.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root, undefined, configPath);
  const entries = parsed.fileNames.map((file) => entryPointOf(resolve(file)));
  return { entries, options: parsed.options };
}

function entryPointOf(file: string): EntryPoint {
  let packageDir = dirname(file);
  while (!existsSync(join(packageDir, "package.json"))) packageDir = dirname(packageDir);
  const manifest = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as {
    name: string;
    exports: Record<string, string>;
  };
  const target = `./${relative(packageDir, file)}`;
  const subpath = Object.entries(manifest.exports).find(([, path]) => path === target)?.[0];
  if (subpath === undefined) throw new Error(`${file} is not in the exports of ${manifest.name}`);
  const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
  return { specifier, packageName: manifest.name, packageDir, file };
}
