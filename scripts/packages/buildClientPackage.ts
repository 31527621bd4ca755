// Builds the installable `@shoal/client` SDK into packages/client/package/ (or the directory given).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { emitDeclarations } from "./emitDeclarations.ts";
import { externalThirdParty } from "./externalThirdParty.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLIENT = join(ROOT, "packages/client");
/** Third-party packages the SDK's bundle may import (zod: the job spec's schema), with @shoal/protocol's ranges. */
const PROTOCOL = JSON.parse(readFileSync(join(ROOT, "packages/protocol/package.json"), "utf8")) as { dependencies: Record<string, string> };
const DEPENDENCIES: Record<string, string> = { zod: PROTOCOL.dependencies.zod ?? "" };

/** What the build wrote: the package directory and the third-party imports the bundle kept. */
export interface ClientPackage {
  dir: string;
  version: string;
  imports: string[];
}

/**
 * Bundles `@shoal/client` (`.` for browsers and Node, `./node` for files on disk) with the workspace
 * code it uses into `dist/*.mjs`, and its declarations, the HTTP API views of `@shoal/protocol`
 * included, into `types/`. Fails when the bundle imports a package not declared.
 */
export async function buildClientPackage(outDir = join(CLIENT, "package")): Promise<ClientPackage> {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; license: string; engines: Record<string, string> };
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const imports = new Set<string>();
  await build({
    entryPoints: { index: join(CLIENT, "src/index.ts"), node: join(CLIENT, "src/node/index.ts") },
    outdir: join(outDir, "dist"),
    outExtension: { ".js": ".mjs" },
    chunkNames: "[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    legalComments: "none",
    logLevel: "warning",
    plugins: [externalThirdParty(imports)],
  });
  const undeclared = [...imports].filter((name) => !(name in DEPENDENCIES) && !name.startsWith("node:"));
  if (undeclared.length > 0) throw new Error(`the SDK bundle imports ${undeclared.join(", ")}, not declared in buildClientPackage.ts`);
  emitDeclarations(ROOT, [join(CLIENT, "src/index.ts"), join(CLIENT, "src/node/index.ts")], join(outDir, "types"));
  const types = (entry: string): string => `./types/packages/client/src/${entry}.d.ts`;
  const manifest = {
    name: "@shoal/client",
    version: root.version,
    description: "Shoal's job-author SDK: upload datasets, submit jobs and task graphs, follow progress, get results.",
    license: root.license,
    type: "module",
    engines: root.engines,
    exports: {
      ".": { types: types("index"), default: "./dist/index.mjs" },
      "./node": { types: types("node/index"), default: "./dist/node.mjs" },
    },
    files: ["dist", "types"],
    dependencies: DEPENDENCIES,
  };
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(join(outDir, "README.md"), readFileSync(join(CLIENT, "README.md"), "utf8"));
  return { dir: outDir, version: root.version, imports: [...imports].sort() };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildClientPackage(process.argv[2]);
  process.stdout.write(`built ${built.dir} (@shoal/client ${built.version}; imports ${built.imports.join(", ") || "nothing third-party"})\n`);
}
