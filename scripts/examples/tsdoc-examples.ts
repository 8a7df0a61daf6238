import ts from "typescript";
import type { Example } from "./example.ts";
import { markdownExamples } from "./markdown-examples.ts";

/** A public export of an entry point, with the `@example` blocks of its TSDoc. */
export interface DocumentedExport {
  readonly name: string;
  /** The export's own examples. */
  readonly examples: Example[];
  /** Examples on its members (a class's methods, an interface's properties). */
  readonly memberExamples: Example[];
}

/**
 * The exports of an entry module and their `@example` blocks. An example is either Markdown with
 * fenced code blocks (each checked) or, as TypeDoc reads it, code as a whole. Re-exports resolve
 * to the declaration they name, so a class re-exported by two packages is documented once.
 */
export function exportsWithExamples(
  program: ts.Program,
  entry: ts.SourceFile,
  packageName: string,
): DocumentedExport[] {
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(entry);
  if (!moduleSymbol) return [];
  return checker.getExportsOfModule(moduleSymbol).map((exported) => {
    const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const examples: Example[] = [];
    const memberExamples: Example[] = [];
    const seen = new Set<ts.JSDocTag>();
    const collect = (node: ts.Node, subject: string, into: Example[]) => {
      for (const tag of ts.getJSDocTags(node)) {
        if (tag.tagName.text !== "example" || seen.has(tag)) continue;
        seen.add(tag);
        into.push(...examplesOfTag(tag, subject, packageName));
      }
    };
    for (const declaration of symbol.declarations ?? []) {
      collect(declaration, exported.name, examples);
      if (ts.isClassLike(declaration) || ts.isInterfaceDeclaration(declaration)) {
        for (const member of declaration.members) {
          collect(member, `${exported.name}.${member.name?.getText() ?? "(member)"}`, memberExamples);
        }
      }
    }
    return { name: exported.name, examples, memberExamples };
  });
}

function examplesOfTag(tag: ts.JSDocTag, subject: string, packageName: string): Example[] {
  const source = tag.getSourceFile();
  const file = source.fileName;
  const tagLine = source.getLineAndCharacterOfPosition(tag.getStart()).line;
  // The raw comment text, without the leading " * " of each line; what follows `@example` on its
  // own line is a title.
  const lines = source.text
    .slice(tag.getStart(), tag.end)
    .split("\n")
    .map((l, i) => (i === 0 ? "" : l.replace(/^\s*\*( |$)/, "")));
  while (lines.length > 0 && /^\s*(\*\/)?\s*$/.test(lines[lines.length - 1]!)) lines.pop();
  const body = lines.join("\n");
  if (body.includes("```")) {
    return markdownExamples(file, body, packageName).map((e) => ({
      ...e,
      line: tagLine + e.line,
      subject,
    }));
  }
  return [{ file, line: tagLine + 2, subject, code: lines.slice(1).join("\n"), packageName }];
}
