// Type-checks every code sample users read: the `@example` blocks of every public export's TSDoc,
// and the ```ts blocks of the root README, of docs/ and of the package READMEs, against the
// packages' sources. Imports an example leaves out are added (see auto-imports.ts). Fails when a
// sample does not compile or a public export has no example. A Markdown block marked
// `<!-- file: path -->` is a copy of that file: it compiles where the file is and must equal it.
// Part of `check`.
import { readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { type ImportableName, type ImportIndex, withAutoImports } from "./auto-imports.ts";
import { type EntryPoint, entryPoints } from "./entry-points.ts";
import type { Example } from "./example.ts";
import { markdownExamples } from "./markdown-examples.ts";
import { exportsWithExamples } from "./tsdoc-examples.ts";

const root = resolve(import.meta.dirname, "../..");
const started = performance.now();
const { entries, options: baseOptions } = entryPoints(root);
const PRELUDE = "eddy-examples-prelude";
const preludeFile = join(import.meta.dirname, "prelude.ts");
const options: ts.CompilerOptions = {
  ...baseOptions,
  noEmit: true,
  // Every package resolves to its source, wherever the example sits.
  paths: {
    ...Object.fromEntries(entries.map((e) => [e.specifier, [e.file]])),
    [PRELUDE]: [preludeFile],
  },
};

const host = ts.createCompilerHost(options, true);
const sourcesProgram = ts.createProgram({
  rootNames: [...entries.map((e) => e.file), preludeFile],
  options,
  host,
});

const index = new Map<string, (ImportableName & { name: string })[]>();
const tsdocExamples: Example[] = [];
const withoutExample: string[] = [];
for (const entry of entries) {
  const source = sourcesProgram.getSourceFile(entry.file)!;
  for (const exported of exportsWithExamples(sourcesProgram, source, entry.packageName)) {
    const list = index.get(exported.name) ?? [];
    list.push({ name: exported.name, module: entry.specifier, typeOnly: isTypeOnly(entry, exported.name) });
    index.set(exported.name, list);
    if (exported.examples.length === 0) withoutExample.push(`${entry.specifier}: ${exported.name}`);
    const all = [...exported.examples, ...exported.memberExamples];
    tsdocExamples.push(...all.filter((e) => !tsdocExamples.some((t) => sameExample(t, e))));
  }
}

const prelude = sourcesProgram
  .getTypeChecker()
  .getSymbolAtLocation(sourcesProgram.getSourceFile(preludeFile)!)!;
const preludeNames = new Map(
  sourcesProgram
    .getTypeChecker()
    .getExportsOfModule(prelude)
    .map((s) => [
      s.name,
      [{ name: s.name, module: PRELUDE, typeOnly: (s.flags & ts.SymbolFlags.Value) === 0 }],
    ]),
);

const markdownFiles: { file: string; packageName?: string }[] = [
  { file: join(root, "README.md") },
  ...filesUnder(join(root, "docs"), ".md").map((file) => ({ file })),
  ...packageReadmes(),
];
const examples = [
  ...tsdocExamples,
  ...markdownFiles.flatMap(({ file, packageName }) =>
    markdownExamples(file, readFileSync(file, "utf8"), packageName),
  ),
];

interface VirtualFile {
  readonly example: Example;
  readonly prepended: number;
  readonly text: string;
}
const virtual = new Map<string, VirtualFile>();
const copiesOutOfDate: string[] = [];
for (const example of examples) {
  const own = entries.find((e) => e.packageName === example.packageName);
  const preferred = [own?.specifier, "@eddy/core", "@eddy/core/testing"].filter((m) => m !== undefined);
  // Package READMEs are complete programs; other examples may use the prelude's sample data.
  const isReadme = basename(example.file) === "README.md" && example.packageName !== undefined;
  const names: ImportIndex = isReadme ? index : new Map([...preludeNames, ...index]);
  const { code, prepended, modules } = withAutoImports(example.code, names, preferred);
  const dir = example.copyOf === undefined ? directoryFor(modules, own) : dirname(example.copyOf);
  if (
    example.copyOf !== undefined &&
    readFileSync(example.copyOf, "utf8").trimEnd() !== example.code.trimEnd()
  ) {
    copiesOutOfDate.push(
      `${relative(root, example.file)}:${example.line} (a copy of ${relative(root, example.copyOf)})`,
    );
  }
  const path = join(dir, `__example-${basename(example.file).replace(/\W/g, "_")}-${example.line}.ts`);
  virtual.set(path, { example, prepended, text: code });
}

const baseGetSourceFile = host.getSourceFile.bind(host);
const baseFileExists = host.fileExists.bind(host);
const baseReadFile = host.readFile.bind(host);
host.fileExists = (f) => virtual.has(f) || baseFileExists(f);
host.readFile = (f) => virtual.get(f)?.text ?? baseReadFile(f);
host.getSourceFile = (f, language, onError, shouldCreate) => {
  const file = virtual.get(f);
  return file
    ? ts.createSourceFile(f, file.text, language, true, ts.ScriptKind.TS)
    : baseGetSourceFile(f, language, onError, shouldCreate);
};
const program = ts.createProgram({
  rootNames: [...entries.map((e) => e.file), ...virtual.keys()],
  options,
  host,
  oldProgram: sourcesProgram,
});

const failures: string[] = [];
for (const [path, file] of virtual) {
  const source = program.getSourceFile(path)!;
  const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
  for (const d of diagnostics) {
    const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
    const original = file.example.line + Math.max(0, line - file.prepended);
    const message = ts.flattenDiagnosticMessageText(d.messageText, "\n  ");
    failures.push(
      `${relative(root, file.example.file)}:${original} (${subjectOf(file.example)}): TS${d.code} ${message}`,
    );
  }
}

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(
  `checked ${virtual.size} examples (${tsdocExamples.length} from TSDoc, ${virtual.size - tsdocExamples.length} from ${markdownFiles.length} Markdown files) of ${entries.length} entry points in ${seconds} s`,
);
if (withoutExample.length > 0) {
  console.error(`\nPublic exports without an @example in their TSDoc (${withoutExample.length}):`);
  for (const name of withoutExample) console.error(`  ${name}`);
}
if (failures.length > 0) {
  console.error(`\nExamples that do not compile (${failures.length}):`);
  for (const failure of failures) console.error(`  ${failure}`);
}
if (copiesOutOfDate.length > 0) {
  console.error(
    `\nCode blocks that no longer equal the file they copy (${copiesOutOfDate.length}): copy the file again`,
  );
  for (const copy of copiesOutOfDate) console.error(`  ${copy}`);
}
if (withoutExample.length > 0 || failures.length > 0 || copiesOutOfDate.length > 0) process.exit(1);

function isTypeOnly(entry: EntryPoint, name: string): boolean {
  const checker = sourcesProgram.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(sourcesProgram.getSourceFile(entry.file)!)!;
  const exported = checker.getExportsOfModule(moduleSymbol).find((s) => s.name === name)!;
  const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
  return (symbol.flags & ts.SymbolFlags.Value) === 0;
}

function subjectOf(example: Example): string {
  return example.subject === example.file ? "code block" : `example of ${example.subject}`;
}

function sameExample(a: Example, b: Example): boolean {
  return a.file === b.file && a.line === b.line;
}

/**
 * Where an example's virtual file sits decides what it can import: a connector's directory
 * resolves that connector's AWS SDK, for instance. Examples naming a connector or the state
 * package sit in its directory; others in their own package's, or the repository root.
 */
function directoryFor(modules: readonly string[], own: EntryPoint | undefined): string {
  const specific = modules
    .map((m) => entries.find((e) => e.specifier === m))
    .find((e) => e !== undefined && e.packageName !== "@eddy/core");
  return (specific ?? own)?.packageDir ?? root;
}

function filesUnder(dir: string, extension: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile() && d.name.endsWith(extension) && !d.parentPath.includes("node_modules"))
    .map((d) => join(d.parentPath, d.name))
    .filter((f) => !relative(root, f).startsWith("docs/api/"))
    .sort();
}

function packageReadmes(): { file: string; packageName: string }[] {
  const seen = new Set<string>();
  return entries
    .filter((e) => !seen.has(e.packageDir) && seen.add(e.packageDir))
    .map((e) => ({ file: join(e.packageDir, "README.md"), packageName: e.packageName }))
    .filter(({ file }) => ts.sys.fileExists(file));
}
