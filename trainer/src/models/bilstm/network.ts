/**
 * The reference network (the PyTorch BiLSTM this project replaces): Embedding → dropout →
 * N stacked bidirectional LSTM layers with dropout between them → dropout on the final
 * forward/backward states → one sigmoid unit.
 */
import * as tf from "@tensorflow/tfjs";
import { BidirectionalLstm, SeededDropout } from "../../../../common/models/bilstm-layers.ts";

export interface BilstmNetworkConfig {
  readonly vocabularySize: number;
  /** @default 100 in the reference */
  readonly embeddingDim: number;
  /** Units per direction. @default 256 in the reference */
  readonly hiddenSize: number;
  /** Stacked bidirectional layers. @default 2 in the reference */
  readonly layers: number;
  /** @default 0.5 in the reference */
  readonly dropout: number;
  readonly seed: number;
}

/** Builds the untrained network. Its input is token ids [batch, steps] with 0 = `<pad>` (masked). */
export function buildBilstmNetwork(c: BilstmNetworkConfig): tf.LayersModel {
  const input = tf.input({ shape: [null], dtype: "int32", name: "token_ids" });
  const embedding = tf.layers.embedding({
    inputDim: c.vocabularySize,
    outputDim: c.embeddingDim,
    maskZero: true,
    embeddingsInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 1, seed: c.seed }),
    name: "embedding",
  });
  const dropout = (i: number): SeededDropout =>
    new SeededDropout({ rate: c.dropout, seed: c.seed * 1000 + 100 * i, name: `dropout_${i}` });
  let x = dropout(0).apply(embedding.apply(input)) as tf.SymbolicTensor;
  for (let l = 0; l < c.layers; l++) {
    const last = l === c.layers - 1;
    const lstm = new BidirectionalLstm({
      units: c.hiddenSize,
      returnSequences: !last,
      seed: c.seed + 10 * (l + 1),
      name: `bilstm_${l}`,
    });
    x = dropout(l + 1).apply(lstm.apply(x)) as tf.SymbolicTensor;
  }
  const output = tf.layers.dense({
    units: 1,
    activation: "sigmoid",
    kernelInitializer: tf.initializers.glorotUniform({ seed: c.seed + 1 }),
    name: "output",
  });
  return tf.model({ inputs: input, outputs: output.apply(x) as tf.SymbolicTensor, name: "bilstm" });
}
