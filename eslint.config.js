import { builtinModules } from "node:module";
import js from "@eslint/js";
import tseslint from "typescript-eslint";

// Layer boundaries (docs/architecture.md). ESLint keeps one option set per rule per file, so each
// block below states every import restriction for its files, not just the one it adds.

/** packages/ never import apps/: dependencies point apps → packages. */
const NO_APPS = {
  group: ["@shoal/coordinator", "@shoal/coordinator/*", "@shoal/cli", "@shoal/cli/*", "@shoal/web", "@shoal/web/*", "**/apps/**"],
  message: "packages/ must not depend on apps/ (dependencies point apps → packages).",
};
/** Node's built-in modules, with and without the `node:` prefix. */
const NODE_BUILTINS = {
  group: ["node:*", ...builtinModules.filter((name) => !name.startsWith("_"))],
  message: "Node APIs live in folders named node/ (or in the Node apps, tests and test tooling).",
};
/** Browser-only libraries belong to the worker's browser adapter. */
const BROWSER_LIBS = { group: ["idb", "comlink"], message: "idb and comlink live in packages/worker/src/browser/." };
/** Browser code never reaches for a Node adapter. */
const NODE_ADAPTERS = { group: ["@shoal/*/node", "**/node/**"], message: "browser code must not import Node adapters." };
/** DOM-only globals: code outside browser folders runs in Node worker threads and pure packages too. */
const DOM_GLOBALS = ["window", "document", "indexedDB", "localStorage", "sessionStorage", "HTMLElement", "Worker"].map((name) => ({
  name,
  message: "DOM-only: keep it in a browser/ folder or apps/web.",
}));

const restrict = (...patterns) => ({ "no-restricted-imports": ["error", { patterns }] });

/** Where Node code is allowed inside packages/: node/ folders, tests and Node-only test tooling. */
const PACKAGE_NODE_CODE = [
  "packages/*/src/**/node/**",
  "packages/*/src/**/*.test.ts",
  "packages/*/src/**/testing/**",
  "packages/*/test/**",
  "packages/lua/src/differential/**",
];
const BROWSER_CODE = ["packages/*/src/**/browser/**", "apps/web/src/**"];

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**", "bench/.results/**", "apps/cli/package/**", "packages/client/package/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: "readonly", process: "readonly", URL: "readonly", performance: "readonly" },
    },
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "separate-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["packages/**/*.{ts,tsx,js,mjs}"],
    rules: { ...restrict(NO_APPS, NODE_BUILTINS, BROWSER_LIBS), "no-restricted-globals": ["error", ...DOM_GLOBALS] },
  },
  { files: PACKAGE_NODE_CODE, rules: restrict(NO_APPS, BROWSER_LIBS) },
  { files: BROWSER_CODE, rules: { ...restrict(NO_APPS, NODE_BUILTINS, NODE_ADAPTERS), "no-restricted-globals": "off" } },
  { files: ["packages/*/src/**/browser/**/*.test.ts"], rules: restrict(NO_APPS, NODE_ADAPTERS) },
  { files: ["apps/coordinator/**", "apps/cli/**"], rules: restrict({ group: ["@shoal/web", "@shoal/web/*"], message: "Node apps do not import the web app." }) },
);
