import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Issue 25, 5: "every type an exported function needs is exported". The types that the library's
// exports name (parameters, results, members, union members), followed through every type they
// name in turn; `typeof` of a value is not followed (Config's codecs).
const INDEX = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

function typesNotExported(): string[] {
  const program = ts.createProgram([INDEX], {
    strict: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    skipLibCheck: true,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const resolved = (s: ts.Symbol): ts.Symbol => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  const exported = checker
    .getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(INDEX)!)!)
    .map(resolved);
  const seen = new Set<ts.Symbol>(exported);
  const missing = new Set<string>();
  const ours = (s: ts.Symbol): boolean => s.declarations?.[0]?.getSourceFile().fileName.includes('/src/') === true;
  const isPrivate = (n: ts.Node): boolean =>
    ts.canHaveModifiers(n) &&
    (ts.getModifiers(n) ?? []).some(
      (m) => m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
    );
  const visit = (node: ts.Node): void => {
    if (isPrivate(node) || ts.isTypeQueryNode(node)) return;
    if (ts.isFunctionDeclaration(node) || ts.isArrowFunction(node) || ts.isMethodDeclaration(node)) {
      // a signature, not a body: what a caller needs
      node.parameters.forEach(visit);
      node.typeParameters?.forEach(visit);
      if (node.type) visit(node.type);
      return;
    }
    if (ts.isVariableDeclaration(node)) {
      if (node.type) visit(node.type);
      return;
    }
    const name = ts.isTypeReferenceNode(node)
      ? node.typeName
      : ts.isExpressionWithTypeArguments(node)
        ? node.expression
        : undefined;
    const symbol = name && checker.getSymbolAtLocation(name);
    if (symbol) {
      const s = resolved(symbol);
      if (ours(s) && !(s.flags & ts.SymbolFlags.TypeParameter) && !seen.has(s)) {
        seen.add(s);
        missing.add(s.name);
        s.declarations?.forEach(visit);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const s of exported) s.declarations?.forEach(visit);
  return [...missing].sort();
}

describe('the library surface (src/index.ts)', () => {
  it('exports every type that its exports name', () => {
    expect(typesNotExported()).toEqual([]);
  }, 60_000);
});
