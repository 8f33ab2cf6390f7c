// The source tree's import graph, for the import rules in imports.test.ts. Each TypeScript file
// under the source folders is parsed (no type-checking) and its module specifiers resolved the way
// the package.json "imports" map resolves them under the "surge-source" condition, or as relative
// paths. Imports of packages (node_modules, node:) are left out: the rules are about our own rooms.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const root = resolve(import.meta.dirname, '..');
const FOLDERS = ['packages', 'services', 'gateway', 'app', 'gen', 'bench', 'test'];

export interface Edge {
  /** Repository-relative path of the imported file. */
  to: string;
  /** `import type` / `export type`: erased by the compiler, so no load-time dependency. */
  typeOnly: boolean;
  /** As written in the source. */
  specifier: string;
  /** `import('…')`: loaded when the call runs, not with the importing file. */
  dynamic?: true;
}

function sources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) sources(path, out);
    else if (/\.[cm]?ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** `#kit/x`, `#gen/x`, `#services/x`, `#gateway`, `#app` under the surge-source condition. */
const imports: Record<string, { 'surge-source': string }> = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).imports;

function resolveSpecifier(from: string, specifier: string): string | undefined {
  let target: string | undefined;
  if (specifier.startsWith('.')) {
    target = resolve(dirname(from), specifier);
  } else if (specifier.startsWith('#')) {
    for (const [pattern, conditions] of Object.entries(imports)) {
      const source = conditions['surge-source'];
      if (pattern.endsWith('*')) {
        const prefix = pattern.slice(0, -1);
        if (specifier.startsWith(prefix)) target = join(root, source.replace('*', specifier.slice(prefix.length)));
      } else if (pattern === specifier) {
        target = join(root, source);
      }
    }
  }
  if (target === undefined) return undefined; // a package
  // Sources import their siblings as .js (NodeNext); the file on disk is .ts.
  for (const candidate of [target, target.replace(/\.js$/, '.ts'), target.replace(/\.mjs$/, '.mts'), join(target, 'index.ts')]) {
    if (/\.[cm]?ts$/.test(candidate) && existsSync(candidate)) return relative(root, candidate);
  }
  return undefined; // not a TypeScript source (a .mjs script, a JSON file): outside the graph
}

function edgesOf(file: string): Edge[] {
  const text = readFileSync(file, 'utf8');
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
  const edges: Edge[] = [];
  const add = (specifier: string, typeOnly: boolean, dynamic = false) => {
    const to = resolveSpecifier(file, specifier);
    if (to !== undefined) edges.push({ to, typeOnly, specifier, ...(dynamic ? { dynamic: true as const } : {}) });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const allTypes = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && clause.namedBindings !== undefined && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, allTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const allTypes = node.isTypeOnly || (node.exportClause !== undefined && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, allTypes);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

let cached: Map<string, Edge[]> | undefined;

/** Every source file (repository-relative) with the files of ours it imports. */
export function importGraph(): Map<string, Edge[]> {
  if (cached) return cached;
  cached = new Map();
  for (const folder of FOLDERS) {
    for (const file of sources(join(root, folder))) cached.set(relative(root, file), edgesOf(file));
  }
  return cached;
}

/**
 * The import cycles, type-only edges included, each as the files tied into it: Tarjan's strongly
 * connected components, one reported per component of more than one file or a file importing itself.
 */
export function importCycles(graph: Map<string, Edge[]>): string[][] {
  const next = (file: string) => (graph.get(file) ?? []).map((e) => e.to);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  let counter = 0;
  const strongConnect = (file: string): void => {
    index.set(file, counter);
    low.set(file, counter);
    counter++;
    stack.push(file);
    onStack.add(file);
    for (const to of next(file)) {
      if (!index.has(to)) {
        strongConnect(to);
        low.set(file, Math.min(low.get(file)!, low.get(to)!));
      } else if (onStack.has(to)) {
        low.set(file, Math.min(low.get(file)!, index.get(to)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== file);
      if (component.length > 1 || next(file).includes(file)) components.push(component.sort());
    }
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) strongConnect(file);
  return components;
}
