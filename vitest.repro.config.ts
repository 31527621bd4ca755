import { defineConfig } from "vitest/config";

/** Reproductions of open bugs (`*.repro.ts`): run on demand with `npm run test:repro`, not by `npm test`, until they pass every time. */
export default defineConfig({
  test: {
    include: ["apps/*/src/**/*.repro.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
