import { z } from "zod";
import { err, failure, ok, type Failure, type Result } from "../result.ts";

export const PAD = "<pad>";
export const UNK = "<unk>";
/** `<pad>` is index 0 (so tfjs `maskZero` works), `<unk>` is index 1. */
export const DEFAULT_SPECIALS: readonly string[] = [PAD, UNK];

export const VocabularyJson = z.object({
  format: z.literal("vocabulary/v1"),
  minFreq: z.int().min(1),
  specials: z.array(z.string()).min(2),
  /** Every token in index order, specials first. */
  tokens: z.array(z.string()),
});
export type VocabularyJson = z.infer<typeof VocabularyJson>;

export interface VocabularyOptions {
  /** Tokens seen fewer times than this map to `<unk>`. @default 5 */
  readonly minFreq?: number;
  /** Keep at most this many tokens (specials included), the most frequent first. @default unlimited */
  readonly maxSize?: number;
}

/**
 * A token ↔ index mapping, built from the training split only. Order is deterministic: the
 * specials `<pad>`, `<unk>`, then tokens by descending frequency, ties broken by the token
 * (UTF-16 code unit order). The same token streams always give the same vocabulary.
 */
export class Vocabulary {
  readonly tokens: readonly string[];
  readonly minFreq: number;
  readonly padIndex = 0;
  readonly unkIndex = 1;
  readonly #index: Map<string, number>;

  private constructor(tokens: readonly string[], minFreq: number) {
    this.tokens = tokens;
    this.minFreq = minFreq;
    this.#index = new Map(tokens.map((t, i) => [t, i]));
  }

  /** Counts tokens over `documents` and keeps those seen at least `minFreq` times. */
  static build(documents: Iterable<readonly string[]>, options: VocabularyOptions = {}): Vocabulary {
    const minFreq = options.minFreq ?? 5;
    const counts = new Map<string, number>();
    for (const doc of documents) for (const t of doc) counts.set(t, (counts.get(t) ?? 0) + 1);
    return Vocabulary.fromCounts(counts, minFreq, options.maxSize);
  }

  /** Builds from precomputed counts (for callers that count in one pass with other statistics). */
  static fromCounts(counts: ReadonlyMap<string, number>, minFreq = 5, maxSize?: number): Vocabulary {
    const kept: [string, number][] = [];
    for (const [t, c] of counts) if (c >= minFreq && !DEFAULT_SPECIALS.includes(t)) kept.push([t, c]);
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const limit = maxSize === undefined ? kept.length : Math.max(0, maxSize - DEFAULT_SPECIALS.length);
    return new Vocabulary([...DEFAULT_SPECIALS, ...kept.slice(0, limit).map(([t]) => t)], minFreq);
  }

  static fromJSON(json: unknown): Result<Vocabulary, Failure> {
    const parsed = VocabularyJson.safeParse(json);
    if (!parsed.success) {
      return err(
        failure("VocabularyInvalid", `The vocabulary is malformed: ${z.prettifyError(parsed.error)}`),
      );
    }
    const { tokens, specials, minFreq } = parsed.data;
    if (
      specials.join("\n") !== DEFAULT_SPECIALS.join("\n") ||
      tokens.slice(0, 2).join("\n") !== specials.join("\n")
    ) {
      return err(
        failure(
          "VocabularyInvalid",
          `The vocabulary must start with the specials ${DEFAULT_SPECIALS.join(", ")}.`,
        ),
      );
    }
    if (new Set(tokens).size !== tokens.length) {
      return err(failure("VocabularyInvalid", "The vocabulary lists a token twice."));
    }
    return ok(new Vocabulary(tokens, minFreq));
  }

  toJSON(): VocabularyJson {
    return {
      format: "vocabulary/v1",
      minFreq: this.minFreq,
      specials: [...DEFAULT_SPECIALS],
      tokens: [...this.tokens],
    };
  }

  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.#index.has(token);
  }

  /** The index of `token`, or `unkIndex` when it is not in the vocabulary. */
  indexOf(token: string): number {
    return this.#index.get(token) ?? this.unkIndex;
  }

  tokenAt(index: number): string {
    return this.tokens[index] ?? UNK;
  }

  /** Indices of `tokens`, truncated to the first `maxLength` tokens when given. No padding. */
  encode(tokens: readonly string[], maxLength?: number): Int32Array {
    const n = maxLength === undefined ? tokens.length : Math.min(tokens.length, maxLength);
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#index.get(tokens[i]!) ?? this.unkIndex;
    return out;
  }

  /** Exactly `length` indices: truncated, or padded at the end with `padIndex` (0). */
  encodePadded(tokens: readonly string[], length: number): Int32Array {
    const out = new Int32Array(length); // zero-filled = padIndex
    out.set(this.encode(tokens, length));
    return out;
  }
}
