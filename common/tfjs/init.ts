/**
 * One place that picks the TF.js backend for the trainer and the model server:
 * tfjs-node when installed, otherwise wasm (with the kernel fixes), otherwise cpu.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { createLogger, type Logger } from "../log.ts";
import { installKernelFixes } from "./kernel-fixes.ts";

export const TFJS_BACKENDS = ["tfjs-node", "tfjs-wasm", "tfjs-cpu"] as const;
export type TfjsBackend = (typeof TFJS_BACKENDS)[number];

export interface TfjsRuntime {
  readonly tf: typeof tf;
  /** The backend in use, as recorded in metadata.json `backend`. */
  readonly backend: TfjsBackend;
}

export interface InitTfjsOptions {
  /**
   * Skip the better backends and use this one (a test comparing backends, or a user working
   * around a broken native build). @default env SENTIMENT_TFJS_BACKEND, else the best available
   */
  readonly backend?: TfjsBackend;
  readonly logger?: Logger;
}

/** tfjs-node is optional and not a dependency: the name is a variable so TypeScript does not resolve it. */
const TFJS_NODE_PACKAGE: string = "@tensorflow/tfjs-node";

let runtime: Promise<TfjsRuntime> | undefined;

/**
 * Selects and initialises the backend on the first call and logs the choice once; later calls
 * return the same runtime (their options are ignored).
 */
export function initTfjs(options: InitTfjsOptions = {}): Promise<TfjsRuntime> {
  runtime ??= selectBackend(options);
  return runtime;
}

function parseForced(value: string | undefined): TfjsBackend | undefined {
  if (value === undefined || value === "") return undefined;
  if ((TFJS_BACKENDS as readonly string[]).includes(value)) return value as TfjsBackend;
  throw new Error(
    `SENTIMENT_TFJS_BACKEND=${value} is not one of ${TFJS_BACKENDS.join(", ")}; unset it or pick one.`,
  );
}

async function tryNode(): Promise<string | undefined> {
  try {
    await import(TFJS_NODE_PACKAGE);
  } catch (e) {
    return `${TFJS_NODE_PACKAGE} is not installed (${(e as Error).message.split("\n")[0] ?? ""})`;
  }
  if (!(await tf.setBackend("tensorflow"))) return "the tensorflow backend failed to initialise";
  // tfjs-node 4.22 loads on Node 23+ but its first op calls util functions Node removed
  // (tensorflow/tfjs#8609): run one op now so a broken native build falls back instead of failing later.
  try {
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(1)).dataSync());
  } catch (e) {
    return `${TFJS_NODE_PACKAGE} is installed but broken on Node ${process.versions.node} (${(e as Error).message.split("\n")[0] ?? ""})`;
  }
  return undefined;
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import("@tensorflow/tfjs-backend-wasm");
    const distDir = dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
    wasm.setWasmPaths(`${distDir}/`);
    installKernelFixes("wasm");
  } catch (e) {
    return `@tensorflow/tfjs-backend-wasm could not load (${(e as Error).message})`;
  }
  return (await tf.setBackend("wasm")) ? undefined : "the wasm backend failed to initialise";
}

async function selectBackend(options: InitTfjsOptions): Promise<TfjsRuntime> {
  const logger = options.logger ?? createLogger({ component: "tfjs" });
  const forced = options.backend ?? parseForced(process.env["SENTIMENT_TFJS_BACKEND"]);
  // PROD silences tfjs's console banners ("install tfjs-node ..."); we log the choice ourselves.
  tf.env().set("PROD", true);
  installKernelFixes("cpu");
  const skipped: string[] = [];
  const attempts: [TfjsBackend, () => Promise<string | undefined>][] = [
    ["tfjs-node", tryNode],
    ["tfjs-wasm", tryWasm],
  ];
  for (const [name, attempt] of attempts) {
    if (forced !== undefined && forced !== name) continue;
    const whyNot = await attempt();
    if (whyNot === undefined) return selected(name, skipped, logger);
    skipped.push(whyNot);
  }
  if (!(await tf.setBackend("cpu"))) throw new Error("The TF.js cpu backend failed to initialise.");
  return selected("tfjs-cpu", skipped, logger);
}

function selected(backend: TfjsBackend, skipped: string[], logger: Logger): TfjsRuntime {
  const fields: Record<string, unknown> = { backend };
  if (backend === "tfjs-wasm") fields["simd"] = tf.env().getBool("WASM_HAS_SIMD_SUPPORT");
  if (skipped.length > 0) fields["skipped"] = skipped;
  logger.info("Selected TF.js backend", fields);
  return { tf, backend };
}
