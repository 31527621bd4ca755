import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import ts from "typescript";

/**
 * Emits `.d.ts` files for `entries` and every workspace source they reach into `outDir` (mirroring
 * the repository's layout), then makes them stand alone: `@shoal/<name>` imports point at the
 * emitted sources of that package and `.ts` specifiers become `.js`, so a project outside this
 * repository type-checks against them with no path mapping and no `allowImportingTsExtensions`.
 */
export function emitDeclarations(root: string, entries: string[], outDir: string): void {
  rmSync(outDir, { recursive: true, force: true });
  const program = ts.createProgram(entries, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    strict: true,
    allowImportingTsExtensions: true,
    declaration: true,
    emitDeclarationOnly: true,
    skipLibCheck: true,
    lib: ["lib.es2022.d.ts", "lib.dom.d.ts"],
    types: ["node"],
    rootDir: root,
    // Through `paths`, not node_modules, so the workspace packages count as sources and get declarations.
    paths: { "@shoal/*": [join(root, "packages/*/src/index.ts")] },
    outDir,
  });
  const problems = ts.getPreEmitDiagnostics(program);
  const emitted = program.emit();
  const all = [...problems, ...emitted.diagnostics];
  if (all.length > 0) throw new Error(ts.formatDiagnostics(all, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => "\n" }));
  for (const file of walk(outDir)) {
    const text = readFileSync(file, "utf8").replace(/(from |import\()"([^"]+)"/g, (_, lead: string, spec: string) => `${lead}"${specifier(outDir, file, spec)}"`);
    writeFileSync(file, text);
  }
}

function specifier(outDir: string, file: string, spec: string): string {
  const ours = /^@shoal\/([a-z]+)$/.exec(spec);
  if (ours) {
    const rel = relative(dirname(file), join(outDir, "packages", ours[1] ?? "", "src/index.js"));
    return rel.startsWith(".") ? rel : `./${rel}`;
  }
  return spec.startsWith(".") ? spec.replace(/\.ts$/, ".js") : spec;
}

function* walk(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.name.endsWith(".d.ts")) yield path;
  }
}
