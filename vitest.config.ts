import { defineConfig } from "vitest/config";

/**
 * Three projects, run together by `npm test`:
 * - unit: pure modules and in-process fakes; no server, no child process (`npm run test:unit`);
 * - integration: the real client or raw HTTP against a real emulator in this process;
 * - e2e: the built CLI as a child process against `dataset emulator` in its own process.
 */
const integration = [
  "test/integration/**/*.test.ts",
  "test/emulator/**/*.test.ts",
  "test/api/emulator.test.ts",
  "test/api/network.test.ts",
];
const e2e = ["test/e2e/**/*.test.ts"];

const shared = { testTimeout: 60_000, hookTimeout: 60_000, pool: "forks" } as const;

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          ...shared,
          name: "unit",
          // Pure modules: one module graph shared by the files of a worker thread is safe and
          // saves most of the run (the integration and e2e projects stay isolated in forks).
          pool: "threads",
          isolate: false,
          include: ["test/**/*.test.ts"],
          exclude: [...integration, ...e2e],
        },
      },
      { test: { ...shared, name: "integration", include: integration } },
      { test: { ...shared, name: "e2e", include: e2e } },
    ],
  },
});
