import { builtinModules } from "node:module";
import type { Plugin } from "esbuild";

/** Our workspace packages, bundled from source. */
const OURS = /^@shoal\//;

/**
 * An esbuild plugin that bundles our workspace packages and leaves every third-party package to be
 * imported at run time, collecting each one's name in `seen` so the build can check they are declared.
 */
export function externalThirdParty(seen: Set<string>): Plugin {
  return {
    name: "external-third-party",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (OURS.test(args.path)) return undefined;
        if (args.path.startsWith("node:") || builtinModules.includes(args.path)) return { path: args.path, external: true };
        const parts = args.path.split("/");
        const name = args.path.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? args.path);
        seen.add(name);
        return { path: args.path, external: true };
      });
    },
  };
}
