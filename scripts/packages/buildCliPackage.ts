// Builds the installable `shoal` package into apps/cli/package/ (or the directory given):
// `npm pack apps/cli/package` then gives shoal-<version>.tgz.
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { externalThirdParty } from "./externalThirdParty.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = join(ROOT, "apps/cli");

/**
 * Third-party packages the bundle imports, with the ranges the workspace uses. better-sqlite3 is
 * optional: it compiles native code where no prebuilt binary fits, and only the coordinator needs it.
 */
const DEPENDENCIES = ["@roamhq/wrtc", "fengari", "luaparse", "peer", "peerjs", "pg", "wasmoon", "ws", "zod"];
const OPTIONAL = ["better-sqlite3"];

/** What the build wrote: the package directory and the third-party imports the bundle kept. */
export interface CliPackage {
  dir: string;
  version: string;
  imports: string[];
}

/**
 * Bundles the CLI with every workspace package (TypeScript source, so no tsx at run time) into
 * `dist/`, the executor, probe and PostgreSQL threads beside it where their `new URL(..., import.meta.url)`
 * looks for them; builds the dashboard into `web/` unless `web` is false; writes a package.json
 * declaring only third-party dependencies. Fails when the bundle imports a package not declared.
 */
export async function buildCliPackage(outDir = join(CLI, "package"), options: { web?: boolean } = {}): Promise<CliPackage> {
  const root = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string; license: string; engines: Record<string, string> };
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const imports = new Set<string>();
  await build({
    entryPoints: {
      shoal: join(CLI, "src/shoalBundle.ts"),
      executorThread: join(ROOT, "packages/worker/src/node/executorThread.ts"),
      probeThread: join(ROOT, "apps/coordinator/src/probe/probeThread.ts"),
      pgThread: join(ROOT, "apps/coordinator/src/store/postgres/pgThread.ts"),
    },
    outdir: join(outDir, "dist"),
    outExtension: { ".js": ".mjs" },
    chunkNames: "[name]-[hash]",
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    legalComments: "none",
    logLevel: "warning",
    plugins: [externalThirdParty(imports)],
  });
  const declared = [...DEPENDENCIES, ...OPTIONAL];
  const undeclared = [...imports].filter((name) => !declared.includes(name));
  if (undeclared.length > 0) throw new Error(`the CLI bundle imports ${undeclared.join(", ")}, not declared in buildCliPackage.ts`);
  if (options.web !== false) {
    execFileSync(process.execPath, [join(ROOT, "node_modules/vite/bin/vite.js"), "build", "--logLevel", "warn", "--outDir", join(outDir, "web"), "--emptyOutDir"], { cwd: ROOT, stdio: "inherit" });
  }
  cpSync(join(CLI, "README.md"), join(outDir, "README.md"));
  const manifest = {
    name: "shoal",
    version: root.version,
    description: "Shoal's command: run Lua jobs over time series locally, lend CPUs to a grid, submit jobs, run a coordinator.",
    license: root.license,
    type: "module",
    engines: root.engines,
    bin: { shoal: "dist/shoal.mjs" },
    files: ["dist", "web"],
    dependencies: versions(DEPENDENCIES),
    optionalDependencies: versions(OPTIONAL),
  };
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return { dir: outDir, version: root.version, imports: [...imports].sort() };
}

/** The workspace's own range for each package, from the package.json that declares it. */
function versions(names: string[]): Record<string, string> {
  const ranges: Record<string, string> = {};
  const manifests = ["packages/protocol", "packages/lua", "packages/worker", "apps/coordinator"].map(
    (dir) => JSON.parse(readFileSync(join(ROOT, dir, "package.json"), "utf8")) as { dependencies?: Record<string, string> },
  );
  for (const name of names) {
    const range = manifests.map((m) => m.dependencies?.[name]).find((r) => r !== undefined);
    if (range === undefined) throw new Error(`no workspace package declares ${name}`);
    ranges[name] = range;
  }
  return ranges;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = await buildCliPackage(process.argv[2]);
  process.stdout.write(`built ${built.dir} (shoal ${built.version}; imports ${built.imports.join(", ")})\n`);
}
