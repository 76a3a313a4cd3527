import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { contextCopies, dockerIgnored, execForm, labels, parseDockerfile, stages } from "./dockerfile.ts";

const DOCKERFILE = `# syntax=docker/dockerfile:1.7
ARG BASE=node:24.1.0-slim
FROM \${BASE} AS deps
RUN npm ci \\
 # a comment inside a continued instruction
 && echo done
FROM \${BASE}
LABEL a.b="x" \\
      c.d="y z"
COPY --chmod=0555 src lib ./app/
COPY --from=deps /app/node_modules ./node_modules
ENTRYPOINT ["node", "main.js"]
CMD run
`;

describe("parseDockerfile and stages", () => {
  const all = stages(parseDockerfile(DOCKERFILE));
  test("joins continuation lines, skips comments, resolves global ARGs in FROM", () => {
    assert.deepEqual(
      all.map((s) => [s.image, s.name]),
      [
        ["node:24.1.0-slim", "deps"],
        ["node:24.1.0-slim", undefined],
      ],
    );
    assert.equal(all[0]!.instructions[0]!.args, "npm ci && echo done");
  });
  test("labels, context copies (not --from), exec form only", () => {
    const final = all[1]!;
    assert.deepEqual(
      [...labels(final)],
      [
        ["a.b", "x"],
        ["c.d", "y z"],
      ],
    );
    assert.deepEqual(contextCopies(final), [{ sources: ["src", "lib"], dest: "./app/" }]);
    assert.deepEqual(execForm(final, "ENTRYPOINT"), ["node", "main.js"]);
    assert.equal(execForm(final, "CMD"), undefined, "shell form is not exec form");
  });
});

describe("dockerIgnored", () => {
  const ignore = "**/node_modules\n*.md\n**/*.test.ts\ncharts\n!charts/keep.yaml\n";
  const cases: [string, boolean][] = [
    ["node_modules/x/index.js", true],
    ["common/node_modules/y.js", true],
    ["README.md", true],
    ["docs/guide.md", false], // `*.md` matches at the root only, as in Docker
    ["operator/src/cli.test.ts", true],
    ["operator/src/cli.ts", false],
    ["charts/sentiment-operator/values.yaml", true],
    ["charts/keep.yaml", false],
  ];
  for (const [path, ignored] of cases) {
    test(`${path} is ${ignored ? "" : "not "}ignored`, () =>
      assert.equal(dockerIgnored(ignore, path), ignored));
  }
});
