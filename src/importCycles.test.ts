/**
 * No import cycle anywhere in src/: a cycle makes module start-up order matter (a value
 * read before its module ran is undefined) and ties modules that should change apart.
 *
 * Only imports that exist at run time count: `import type` and imports whose every name
 * is `type` are erased by TypeScript, so they cannot change start-up order (the store's
 * slices and the store name each other's types on purpose). Static imports, side-effect
 * imports, `export … from` and dynamic `import()` all count.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname);
const EXTENSIONS = ['.ts', '.tsx'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return EXTENSIONS.some((x) => e.name.endsWith(x)) && !/\.test\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The module specifiers of `file` that survive compilation. */
function runtimeImports(file: string, text: string): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const typeOnly =
        clause !== undefined &&
        (clause.isTypeOnly ||
          (!clause.name && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      if (!typeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      if (!node.isTypeOnly) found.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteral(arg)) found.push(arg.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** A relative specifier resolved to a file in src/ (packages, assets and `?url` imports are not modules of ours). */
function resolveLocal(from: string, spec: string, files: Set<string>): string | null {
  if (!spec.startsWith('.')) return null;
  const base = resolve(dirname(from), spec.split('?')[0]!);
  for (const candidate of [base, ...EXTENSIONS.map((x) => base + x), ...EXTENSIONS.map((x) => join(base, `index${x}`))]) {
    if (files.has(candidate)) return candidate;
  }
  return null;
}

function importGraph(files: string[], read: (file: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets = runtimeImports(file, read(file))
      .map((spec) => resolveLocal(file, spec, known))
      .filter((t): t is string => t !== null);
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Every cycle found by a depth-first search, each as the path that closes it (a → b → a). */
function findCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (s === undefined) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return cycles;
}

describe('import cycles', () => {
  it('finds a cycle when there is one, and only value imports make one', () => {
    const files = ['/p/a.ts', '/p/b.ts', '/p/c.ts'];
    const text: Record<string, string> = {
      '/p/a.ts': "import { b } from './b';\nimport type { C } from './c';",
      '/p/b.ts': "export { c } from './c';",
      '/p/c.ts': "import { type A } from './a';\nconst later = () => import('./b');",
    };
    expect(findCycles(importGraph(files, (f) => text[f]!))).toEqual([['/p/b.ts', '/p/c.ts', '/p/b.ts']]);
    text['/p/c.ts'] = "import { type A } from './a';";
    expect(findCycles(importGraph(files, (f) => text[f]!))).toEqual([]);
    text['/p/c.ts'] = "import './a';";
    expect(findCycles(importGraph(files, (f) => text[f]!))).toEqual([['/p/a.ts', '/p/b.ts', '/p/c.ts', '/p/a.ts']]);
  });

  it('src/ has none', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(100);
    const graph = importGraph(files, (f) => readFileSync(f, 'utf8'));
    const cycles = findCycles(graph).map((c) => c.map((f) => relative(SRC, f)).join(' → '));
    expect(cycles).toEqual([]);
  });

});
