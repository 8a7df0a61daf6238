import ts from "typescript";

/** A name an example may use without importing it, and the module it comes from. */
export interface ImportableName {
  readonly module: string;
  /** Only a type: imported with `import type` (the workspace compiles with verbatimModuleSyntax). */
  readonly typeOnly: boolean;
}

/** Names by module, in order of preference when two modules export one name. */
export type ImportIndex = ReadonlyMap<string, readonly (ImportableName & { readonly name: string })[]>;

/** Test functions examples may use as they would in a test file. */
const VITEST_NAMES = ["expect", "describe", "it", "test", "expectTypeOf"];

/**
 * Prepends the imports an example leaves out, so samples read as they would in a user's file
 * without repeating import lines. A name the example imports or declares itself is left alone;
 * any other identifier that an Eddy module exports is imported, from the example's own package
 * first. Returns the code and how many lines were prepended.
 */
export function withAutoImports(
  code: string,
  index: ImportIndex,
  preferredModules: readonly string[],
): { readonly code: string; readonly prepended: number; readonly modules: readonly string[] } {
  const source = ts.createSourceFile("example.ts", code, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const taken = new Set<string>();
  for (const statement of source.statements) {
    for (const name of declaredNames(statement)) taken.add(name);
  }
  const used = new Set<string>();
  const visit = (node: ts.Node) => {
    if (ts.isIdentifier(node)) used.add(node.text);
    ts.forEachChild(node, visit);
  };
  visit(source);

  const byModule = new Map<string, string[]>();
  for (const name of used) {
    if (taken.has(name)) continue;
    if (VITEST_NAMES.includes(name)) {
      add(byModule, "vitest", name);
      continue;
    }
    const candidates = index.get(name);
    if (!candidates) continue;
    const chosen =
      preferredModules.map((m) => candidates.find((c) => c.module === m)).find((c) => c !== undefined) ??
      candidates[0]!;
    add(byModule, chosen.module, chosen.typeOnly ? `type ${name}` : name);
  }
  const imports = [...byModule].map(
    ([module, names]) => `import { ${names.sort().join(", ")} } from "${module}";`,
  );
  const explicit = source.statements
    .filter(ts.isImportDeclaration)
    .map((i) => (i.moduleSpecifier as ts.StringLiteral).text);
  return {
    code: `${imports.join("\n")}\n${code}\nexport {};\n`,
    prepended: imports.length + 1,
    modules: [...explicit, ...byModule.keys()],
  };
}

function add(byModule: Map<string, string[]>, module: string, name: string): void {
  const names = byModule.get(module) ?? [];
  names.push(name);
  byModule.set(module, names);
}

function declaredNames(statement: ts.Statement): string[] {
  if (ts.isImportDeclaration(statement)) {
    const clause = statement.importClause;
    if (!clause) return [];
    const names = clause.name ? [clause.name.text] : [];
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.push(bindings.name.text);
    if (bindings && ts.isNamedImports(bindings)) names.push(...bindings.elements.map((e) => e.name.text));
    return names;
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) => bindingNames(d.name));
  }
  if (
    (ts.isFunctionDeclaration(statement) ||
      ts.isClassDeclaration(statement) ||
      ts.isInterfaceDeclaration(statement) ||
      ts.isTypeAliasDeclaration(statement) ||
      ts.isEnumDeclaration(statement)) &&
    statement.name
  ) {
    return [statement.name.text];
  }
  return [];
}

function bindingNames(name: ts.BindingName): string[] {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((e) => (ts.isOmittedExpression(e) ? [] : bindingNames(e.name)));
}
