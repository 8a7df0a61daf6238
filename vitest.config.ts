import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/**/*.test.ts", "apps/**/*.test.ts"],
    exclude: ["**/node_modules/**", "**/dist/**"],
    typecheck: { enabled: true, include: ["packages/**/*.test-d.ts"] },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
