// The import-boundary check (scripts/check-boundaries.js) on fixture trees, on the real tree, and its
// import scanner against the TypeScript compiler's own reading of the same files.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
const SCRIPT = join(REPO, 'scripts/check-boundaries.js');
const fixture = (name: string): string => join(REPO, 'test/fixtures/boundaries', name);

function run(...args: string[]): { code: number | null; lines: string[] } {
  const out = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8' });
  expect(out.stderr).toBe('');
  return { code: out.status, lines: out.stdout.split('\n').filter((l) => l !== '') };
}

describe('check-boundaries', () => {
  it('reports an import against the folder table, naming the file, the import and the rule', () => {
    expect(run(fixture('wrong-way'))).toEqual({
      code: 1,
      lines: [
        "src/pool/a.ts:3  wrong-way import '../api/y.js' (api): pool may import only engine, events, scheduler, docker, errors, log",
        "src/scheduler/x.ts:2  wrong-way import '../api/y.js' (api): scheduler may import only docker",
      ],
    });
  });

  it('reports a file cycle as a chain, type-only imports included', () => {
    expect(run(fixture('cycle'))).toEqual({
      code: 1,
      lines: [
        'src/config/a.ts:2  import cycle: src/config/a.ts → src/config/b.ts → src/config/c.ts → src/config/a.ts',
      ],
    });
  });

  it('keeps scheduler/ and strategies/ free of Node modules, packages and import()', () => {
    expect(run(fixture('impure'))).toEqual({
      code: 1,
      lines: [
        "src/scheduler/load.ts:2  package 'undici' imported in scheduler: scheduler imports no package and does no I/O",
        "src/scheduler/load.ts:3  Node module 'fs' imported in scheduler: scheduler imports no package and does no I/O",
        'src/scheduler/load.ts:5  dynamic import() in scheduler: scheduler does no I/O',
        "strategies/sockets.ts:2  Node module 'node:net' imported in strategies: strategies imports no package and does no I/O",
      ],
    });
  });

  it('is silent on a clean tree, whatever its comments, strings and templates say', () => {
    expect(run(fixture('clean'))).toEqual({ code: 0, lines: [] });
  });

  it('finds the real tree clean', () => {
    expect(run(REPO)).toEqual({ code: 0, lines: [] });
  });

  it.each([
    ['the real tree', REPO],
    ['the clean fixture', fixture('clean')],
  ])(
    'sees the same imports as the TypeScript compiler in %s',
    (_name, root) => {
      const listed = run('--list', root).lines;
      expect(listed.length).toBeGreaterThan(0);
      expect(listed.sort()).toEqual(compilerImports(root).sort());
      // Parsing the whole tree with the compiler takes seconds on a loaded machine.
    },
    30_000,
  );
});

/** The imports of every .ts file under root/src and root/strategies, as `--list` prints them. */
function compilerImports(root: string): string[] {
  const lines: string[] = [];
  const files = ['src', 'strategies'].flatMap((dir) =>
    readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => join(root, dir, f)),
  );
  for (const file of files) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      const found = importOf(node);
      if (found) {
        const line = source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
        const spec = found.spec && ts.isStringLiteralLike(found.spec) ? found.spec.text : '(not a literal)';
        lines.push(`${relative(root, file)}:${line}  ${found.dynamic ? 'import() ' : ''}${spec}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return lines;
}

function importOf(node: ts.Node): { spec: ts.Node | undefined; dynamic: boolean } | undefined {
  if (ts.isImportDeclaration(node)) return { spec: node.moduleSpecifier, dynamic: false };
  if (ts.isExportDeclaration(node) && node.moduleSpecifier)
    return { spec: node.moduleSpecifier, dynamic: false };
  if (ts.isImportTypeNode(node)) {
    const arg = node.argument;
    return { spec: ts.isLiteralTypeNode(arg) ? arg.literal : undefined, dynamic: false };
  }
  if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
    return { spec: node.arguments[0], dynamic: true };
  }
  return undefined;
}
