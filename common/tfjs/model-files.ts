/**
 * A tf.io handler that saves a model as `model.json` plus one `weights.bin` in a directory (the
 * tfjs-node `file://` layout) and loads it back, so `tf.loadLayersModel(modelFiles(dir))` works
 * in pure-JS TF.js, where `file://` needs tfjs-node.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { FailureError } from "../result.ts";

export const MODEL_JSON_FILE = "model.json";
export const WEIGHTS_FILE = "weights.bin";

const BYTES_PER_ELEMENT: Readonly<Record<string, number>> = { float32: 4, int32: 4, bool: 1 };

/** Bytes a manifest's weights occupy, or undefined when a spec (quantised, string) has no fixed size. */
export function expectedWeightBytes(specs: readonly tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const size =
      dtype === "uint8" ? 1 : dtype === "uint16" || dtype === "float16" ? 2 : BYTES_PER_ELEMENT[dtype];
    if (size === undefined) return undefined;
    total += size * spec.shape.reduce((a, b) => a * b, 1);
  }
  return total;
}

function corrupt(dir: string, what: string): FailureError<"ArtifactCorrupt"> {
  return new FailureError(
    "ArtifactCorrupt",
    `The TF.js model in ${dir} is unusable: ${what}; retrain the model or copy it again.`,
  );
}

async function save(dir: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer || artifacts.modelTopology === undefined) {
    throw new Error("Only Layers models (JSON topology) can be saved to a model directory.");
  }
  const weightSpecs = artifacts.weightSpecs ?? [];
  const weights =
    artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [`./${WEIGHTS_FILE}`], weights: weightSpecs }],
    format: artifacts.format ?? "layers-model",
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: artifacts.convertedBy ?? null,
  };
  if (artifacts.trainingConfig !== undefined) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.userDefinedMetadata !== undefined)
    modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  await writeFile(join(dir, WEIGHTS_FILE), new Uint8Array(weights));
  await writeFile(join(dir, MODEL_JSON_FILE), JSON.stringify(modelJson));
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: "JSON",
      weightDataBytes: weights.byteLength,
    },
  };
}

async function load(dir: string): Promise<tf.io.ModelArtifacts> {
  const jsonPath = join(dir, MODEL_JSON_FILE);
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(await readFile(jsonPath, "utf8")) as tf.io.ModelJSON;
  } catch (e) {
    throw corrupt(dir, `${MODEL_JSON_FILE} is missing or not JSON (${(e as Error).message})`);
  }
  if (typeof modelJson !== "object" || modelJson === null || typeof modelJson.modelTopology !== "object") {
    throw corrupt(dir, `${MODEL_JSON_FILE} has no modelTopology`);
  }
  const groups = modelJson.weightsManifest;
  if (!Array.isArray(groups)) throw corrupt(dir, `${MODEL_JSON_FILE} has no weightsManifest`);
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: ArrayBuffer[] = [];
  for (const group of groups) {
    specs.push(...group.weights);
    for (const path of group.paths) {
      const name = path.replace(/^\.\//, "");
      if (name.includes("/") || name.includes("\\") || name.startsWith(".")) {
        throw corrupt(dir, `weights path ${JSON.stringify(path)} leaves the model directory`);
      }
      const bytes = await readFile(join(dir, name)).catch((e: unknown) => {
        throw corrupt(dir, `${name} is missing (${(e as Error).message})`);
      });
      buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }
  }
  const weightData = tf.io.CompositeArrayBuffer.join(buffers);
  const expected = expectedWeightBytes(specs);
  if (expected !== undefined && expected !== weightData.byteLength) {
    throw corrupt(
      dir,
      `the weights hold ${weightData.byteLength} bytes where the manifest needs ${expected}`,
    );
  }
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology,
    weightSpecs: specs,
    weightData,
  };
  if (modelJson.format !== undefined) artifacts.format = modelJson.format;
  if (modelJson.generatedBy !== undefined) artifacts.generatedBy = modelJson.generatedBy;
  if (modelJson.convertedBy !== undefined) artifacts.convertedBy = modelJson.convertedBy;
  if (modelJson.trainingConfig !== undefined) artifacts.trainingConfig = modelJson.trainingConfig;
  if (modelJson.userDefinedMetadata !== undefined)
    artifacts.userDefinedMetadata = modelJson.userDefinedMetadata;
  return artifacts;
}

/**
 * The handler for `model.save(modelFiles(dir))` and `tf.loadLayersModel(modelFiles(dir))`.
 * `dir` must exist. Loading throws a FailureError with reason `ArtifactCorrupt` naming what is wrong.
 */
export function modelFiles(dir: string): tf.io.IOHandler {
  return { save: (artifacts) => save(dir, artifacts), load: () => load(dir) };
}
