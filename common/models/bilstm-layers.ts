/**
 * The custom tfjs layers of the `bilstm` architecture. Importing this module registers them for
 * (de)serialisation, so `tf.loadLayersModel` can rebuild a saved network.
 */
import * as tf from "@tensorflow/tfjs";
import { bilstmFused, bilstmPlain } from "./bilstm-ops.ts";

type Kwargs = Record<string, unknown>;

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (x === undefined) throw new Error("Expected one input tensor.");
  return x;
}

function singleShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
  return (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
}

export interface BidirectionalLstmArgs {
  /** Hidden units per direction (H). The output has 2H features. */
  readonly units: number;
  /** Output every step [B, T, 2H] (to feed another layer) or only the final states [B, 2H]. */
  readonly returnSequences: boolean;
  /** Seed of the weight initialiser. @default unseeded */
  readonly seed?: number;
  readonly name?: string;
}

/**
 * A bidirectional LSTM layer with PyTorch's semantics: sigmoid gates, packed-sequence masking,
 * weights initialised U(-1/√H, 1/√H), concatenated forward/backward outputs. It trains through
 * the fused BPTT op (bilstm-ops.ts) and infers through plain ops.
 */
export class BidirectionalLstm extends tf.layers.Layer {
  static readonly className = "BidirectionalLstm";
  readonly units: number;
  readonly returnSequences: boolean;
  readonly seed: number | undefined;
  private kernel: tf.LayerVariable | undefined;
  private recurrent: tf.LayerVariable | undefined;
  private bias: tf.LayerVariable | undefined;

  constructor(args: BidirectionalLstmArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!Number.isInteger(args.units) || args.units < 1)
      throw new Error(`BidirectionalLstm units must be a positive integer, got ${args.units}.`);
    this.units = args.units;
    this.returnSequences = args.returnSequences;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const features = singleShape(inputShape)[2];
    if (features == null) throw new Error("BidirectionalLstm needs a known feature dimension.");
    const h = this.units;
    const limit = 1 / Math.sqrt(h);
    const init = (offset: number): ReturnType<typeof tf.initializers.randomUniform> =>
      tf.initializers.randomUniform({
        minval: -limit,
        maxval: limit,
        ...(this.seed === undefined ? {} : { seed: this.seed + offset }),
      });
    this.kernel = this.addWeight("kernel", [features, 8 * h], "float32", init(0));
    this.recurrent = this.addWeight("recurrent_kernel", [2, h, 4 * h], "float32", init(1));
    this.bias = this.addWeight("bias", [8 * h], "float32", init(2));
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const [batch, steps] = singleShape(inputShape);
    return this.returnSequences
      ? [batch ?? null, steps ?? null, 2 * this.units]
      : [batch ?? null, 2 * this.units];
  }

  override computeMask(
    _inputs: tf.Tensor | tf.Tensor[],
    mask?: tf.Tensor | tf.Tensor[],
  ): tf.Tensor | tf.Tensor[] {
    // A null mask means "no mask" to tfjs-layers; the typings do not admit it.
    return (this.returnSequences ? (mask ?? null) : null) as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs);
    if (this.kernel === undefined || this.recurrent === undefined || this.bias === undefined) {
      throw new Error("BidirectionalLstm was called before it was built.");
    }
    const weights = { kernel: this.kernel.read(), recurrent: this.recurrent.read(), bias: this.bias.read() };
    const given = kwargs["mask"] as tf.Tensor | tf.Tensor[] | undefined;
    const givenMask = Array.isArray(given) ? given[0] : given;
    return tf.tidy(() => {
      const mask = givenMask ?? tf.ones([x.shape[0], x.shape[1]!]);
      return kwargs["training"] === true
        ? bilstmFused(x, mask, weights, this.returnSequences)
        : bilstmPlain(x, mask, weights, this.returnSequences);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: tf.serialization.ConfigDict = { units: this.units, returnSequences: this.returnSequences };
    if (this.seed !== undefined) config["seed"] = this.seed;
    return { ...super.getConfig(), ...config };
  }
}

export interface SeededDropoutArgs {
  readonly rate: number;
  /** Seed of the first mask; each training call uses the next seed, so runs are reproducible. */
  readonly seed: number;
  readonly name?: string;
}

/**
 * Inverted dropout whose masks come from a seeded sequence. tfjs's own Dropout either draws from
 * Math.random (not reproducible) or, when seeded, draws the SAME mask on every call.
 */
export class SeededDropout extends tf.layers.Layer {
  static readonly className = "SeededDropout";
  readonly rate: number;
  readonly seed: number;
  private calls = 0;

  constructor(args: SeededDropoutArgs) {
    super(args.name === undefined ? {} : { name: args.name });
    if (!(args.rate >= 0 && args.rate < 1))
      throw new Error(`SeededDropout rate must be in [0, 1), got ${args.rate}.`);
    this.rate = args.rate;
    this.seed = args.seed;
    this.supportsMasking = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    return singleShape(inputShape);
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = single(inputs);
    if (kwargs["training"] !== true || this.rate === 0) return tf.clone(x);
    const seed = this.seed + this.calls++;
    return tf.tidy(() => {
      const keep = tf.greaterEqual(tf.randomUniform(x.shape, 0, 1, "float32", seed), this.rate);
      return tf.mul(x, tf.mul(tf.cast(keep, "float32"), 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

tf.serialization.registerClass(BidirectionalLstm);
tf.serialization.registerClass(SeededDropout);
