import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { helmLdflags, kubernetesLdflags, parseSemver, stagingModules, stagingVersion } from "./go-flags.ts";

const KUBERNETES_GO_MOD = `module k8s.io/kubernetes

go 1.24.0

require (
	k8s.io/api v0.0.0
	github.com/spf13/cobra v1.8.1
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/apimachinery => ./staging/src/k8s.io/apimachinery
	k8s.io/cri-client => ./staging/src/k8s.io/cri-client
	github.com/example/forked => github.com/example/forked v1.2.3
)

replace k8s.io/kms => ./staging/src/k8s.io/kms
`;

describe("stagingModules", () => {
  test("lists every module replaced by a staging directory, sorted, and nothing else", () => {
    assert.deepEqual(stagingModules(KUBERNETES_GO_MOD), [
      "k8s.io/api",
      "k8s.io/apimachinery",
      "k8s.io/cri-client",
      "k8s.io/kms",
    ]);
  });

  test("finds none in a go.mod without staging replaces", () => {
    assert.deepEqual(stagingModules("module x\n\ngo 1.24\n"), []);
  });
});

test("stagingVersion maps 1.MINOR.PATCH to v0.MINOR.PATCH", () => {
  assert.equal(stagingVersion("1.33.13"), "v0.33.13");
});

describe("kubernetesLdflags", () => {
  const flags = kubernetesLdflags("1.33.13", "2026-06-11T16:59:07Z");

  test("stamps the version into both version packages", () => {
    for (const pkg of ["k8s.io/client-go/pkg/version", "k8s.io/component-base/version"]) {
      assert.ok(flags.includes(`-X=${pkg}.gitVersion=v1.33.13`), flags);
      assert.ok(flags.includes(`-X=${pkg}.gitMajor=1`));
      assert.ok(flags.includes(`-X=${pkg}.gitMinor=33`));
      assert.ok(flags.includes(`-X=${pkg}.buildDate=2026-06-11T16:59:07Z`));
    }
  });

  test("contains no spaces inside a flag (go splits -ldflags on spaces)", () => {
    for (const flag of flags.split(" ")) assert.match(flag, /^(-s|-w|-X=\S+=\S*)$/);
  });
});

test("helmLdflags stamps Helm's version and the Kubernetes minor of its client-go", () => {
  const flags = helmLdflags("3.19.5", "module helm.sh/helm/v3\n\nrequire (\n\tk8s.io/client-go v0.34.2\n)\n");
  assert.ok(flags.includes("-X=helm.sh/helm/v3/internal/version.version=v3.19.5"));
  assert.ok(flags.includes("-X=helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=34"));
  assert.ok(flags.includes("-X=helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1"));
});

test("parseSemver rejects anything but MAJOR.MINOR.PATCH", () => {
  assert.deepEqual(parseSemver("v0.34.2"), { major: 0, minor: 34, patch: 2 });
  assert.throws(() => parseSemver("1.33"), /Expected a version like 1\.33\.13, got "1\.33"/);
});
