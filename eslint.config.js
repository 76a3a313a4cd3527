// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "coverage/",
      ".cache/",
      "charts/",
      "crds/",
      "**/*.d.ts",
      // Semgrep rule test targets: code that is wrong on purpose
      "scripts/security/semgrep/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-floating-promises": [
        "error",
        {
          allowForKnownSafeCalls: [
            { from: "package", name: ["test", "it", "describe", "suite"], package: "node:test" },
          ],
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/restrict-template-expressions": [
        "error",
        { allowNumber: true, allowBoolean: true },
      ],
      "no-console": "off",
    },
  },
  {
    files: ["**/*.js"],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Production code never imports test-only code: the testing modules (`*/testing/`), the test
    // cluster library (`#testenv/*`, scripts/testenv) or anything else under scripts/. (`\\#`: a
    // leading `#` starts a comment in these gitignore-style patterns.)
    files: ["common/**/*.ts", "operator/**/*.ts", "model-server/**/*.ts", "trainer/**/*.ts"],
    ignores: ["**/*.test.ts", "**/testing/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/testing/*", "\\#testenv/*", "**/scripts/*"],
              message: "Test-only code: import it from tests and testing modules only.",
            },
          ],
        },
      ],
    },
  },
  {
    // Tests, testing modules and benches reach the test cluster library one way: `#testenv/*`.
    files: [
      "{common,operator,model-server,trainer}/**/*.test.ts",
      "{common,operator,model-server,trainer}/**/testing/**/*.ts",
      "bench/**/*.ts",
      "e2e/**/*.ts",
    ],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/scripts/testenv/*"],
              message: "Import the test cluster library as #testenv/<file>.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.test.ts", "bench/**", "scripts/**"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
    },
  },
);
