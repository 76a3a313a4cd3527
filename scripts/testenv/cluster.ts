/**
 * The test helper for `*.int.test.ts` files: a ready cluster, a fresh namespace per test, CRDs,
 * least-privilege ServiceAccount identities and component logs on failure.
 *
 * ```ts
 * const cluster = useTestCluster();            // at the top of the file (or inside describe)
 * test("creates a Job", async (t) => {
 *   const ns = await cluster.namespace(t);     // deleted after the test
 *   const batch = cluster.kubeConfig.makeApiClient(BatchV1Api);
 * });
 * ```
 *
 * Where the cluster comes from:
 * - `npm test` starts one control plane for the whole run (global-setup.ts) when integration
 *   files are selected; the helper finds it through SENTIMENT_TESTENV_DIR.
 * - SENTIMENT_TEST_KUBECONFIG=<path> uses an existing cluster (kind, minikube, `testenv:up`)
 *   instead. Tests then only touch namespaces they create; CRDs applied stay installed.
 * If neither works, every test using the helper fails with a message saying what to do.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, afterEach, before, type TestContext } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { FailureError } from "../../common/result.ts";
import { applyCrds } from "./crds.ts";
import { componentLogTails } from "./logs.ts";
import { createTestNamespace, namespaceEvents } from "./namespaces.ts";
import {
  serviceAccountKubeConfig,
  type ServiceAccountAccess,
  type ServiceAccountOptions,
} from "./service-accounts.ts";
import { readState, SETUP_ERROR_FILE, type ControlPlaneState } from "./state.ts";

export { waitUntil } from "./wait.ts";
export type { ServiceAccountAccess, ServiceAccountOptions } from "./service-accounts.ts";

export interface TestCluster {
  /** Admin credentials (system:masters for the managed cluster). */
  readonly kubeConfig: KubeConfig;
  readonly kubeconfigPath: string;
  readonly server: string;
  /**
   * The control plane started by this harness (pinned versions, a Ready KWOK node named
   * `nodeName`, component logs). Undefined for an existing cluster from SENTIMENT_TEST_KUBECONFIG.
   */
  readonly managed: ControlPlaneState | undefined;
}

/** Connects to the run's cluster; throws a FailureError that says what to do if there is none. */
export function connectTestCluster(env: NodeJS.ProcessEnv = process.env): TestCluster {
  const external = env["SENTIMENT_TEST_KUBECONFIG"];
  if (external) return fromKubeconfig(external, undefined);
  const dir = env["SENTIMENT_TESTENV_DIR"];
  if (!dir) {
    throw new FailureError(
      "NoCluster",
      "No test cluster: run integration tests through `npm test -- <files>` (it starts one), " +
        "or set SENTIMENT_TEST_KUBECONFIG to the kubeconfig of an existing cluster.",
    );
  }
  const setupError = readSetupError(dir);
  if (setupError) throw new FailureError(setupError.reason, setupError.message);
  const state = readState(dir);
  if (!state.ok) {
    throw new FailureError(
      state.error.reason,
      `${state.error.message} The global setup did not start a cluster.`,
    );
  }
  return fromKubeconfig(state.value.kubeconfig, state.value);
}

function fromKubeconfig(path: string, managed: ControlPlaneState | undefined): TestCluster {
  const kubeConfig = new KubeConfig();
  try {
    kubeConfig.loadFromFile(path);
  } catch (e) {
    throw new FailureError("BadKubeconfig", `Cannot read kubeconfig ${path}: ${(e as Error).message}`);
  }
  const server = kubeConfig.getCurrentCluster()?.server;
  if (!server) throw new FailureError("BadKubeconfig", `Kubeconfig ${path} has no current cluster.`);
  return { kubeConfig, kubeconfigPath: path, server, managed };
}

function readSetupError(dir: string): { reason: string; message: string } | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, SETUP_ERROR_FILE), "utf8")) as {
      reason: string;
      message: string;
    };
  } catch {
    return undefined;
  }
}

export interface TestClusterFixture extends TestCluster {
  /** Creates a fresh namespace for this test, deleted when the test ends. */
  namespace(t: TestContext): Promise<string>;
  /** A kubeconfig for a ServiceAccount with only the given permissions (see service-accounts.ts). */
  serviceAccount(t: TestContext, opts: ServiceAccountOptions): Promise<ServiceAccountAccess>;
  /** Server-side applies every CRD in `dir` (default: the repo's crds/) and waits until Established. */
  applyCrds(dir?: string): Promise<string[]>;
  /** The last lines of every component log ("" for an existing cluster). */
  componentLogs(lines?: number): Promise<string>;
}

/**
 * Registers hooks in the current file or suite: connect before the first test, and on a failed
 * test print the events of its namespaces and the last component log lines.
 */
export function useTestCluster(): TestClusterFixture {
  let cluster: TestCluster | undefined;
  const namespacesOf = new Map<string, string[]>();
  const get = (): TestCluster => {
    if (!cluster)
      throw new FailureError("NoCluster", "useTestCluster(): the cluster is available only inside tests.");
    return cluster;
  };
  before(() => {
    cluster = connectTestCluster();
  });
  afterEach(async (context) => {
    // Hooks receive the test's own context; `passed` exists at runtime since Node 21.7.
    const t = context as TestContext & { readonly passed?: boolean };
    if (t.passed !== false || !cluster) return;
    const parts: string[] = [];
    for (const ns of namespacesOf.get(t.fullName) ?? [])
      parts.push(await namespaceEvents(cluster.kubeConfig, ns));
    if (cluster.managed) parts.push(await componentLogTails(cluster.managed.processes, 25));
    t.diagnostic(`Test failed; cluster diagnostics:\n${parts.join("\n")}`);
  });
  after(() => namespacesOf.clear());

  return {
    get kubeConfig() {
      return get().kubeConfig;
    },
    get kubeconfigPath() {
      return get().kubeconfigPath;
    },
    get server() {
      return get().server;
    },
    get managed() {
      return get().managed;
    },
    async namespace(t) {
      const name = await createTestNamespace(t, get().kubeConfig);
      namespacesOf.set(t.fullName, [...(namespacesOf.get(t.fullName) ?? []), name]);
      return name;
    },
    serviceAccount: (t, opts) => serviceAccountKubeConfig(t, get().kubeConfig, opts),
    applyCrds: (dir) => applyCrds(get().kubeConfig, dir),
    async componentLogs(lines = 50) {
      const managed = get().managed;
      return managed ? componentLogTails(managed.processes, lines) : "";
    },
  };
}
