// Lint of the console's own JavaScript: undefined names, unused variables, imports that do not exist.
import globals from "globals";

export default [
  { ignores: [".venv/**", "node_modules/**", "src/openpsap/console/static/vendor/**", "build/**"] },
  {
    files: ["src/openpsap/console/static/*.js", "scripts/*.mjs", "tests/js/*.mjs"],
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: "module",
      globals: { ...globals.browser, ...globals.node, L: "readonly", protomapsL: "readonly" },
    },
    rules: {
      "no-undef": "error",
      "no-unused-vars": ["error", { args: "none" }],
      "no-unreachable": "error",
      "no-dupe-keys": "error",
      "no-redeclare": "error",
      "eqeqeq": ["error", "smart"],
      "prefer-const": "error",
    },
  },
];
