import type { EvaluationMetrics } from "../../common/artifact/metadata.ts";

const EPS = 1e-15;

/**
 * Binary classification figures of P(positive) against labels (1 = positive), at threshold 0.5:
 * accuracy, precision, recall, F1, ROC-AUC (ties share ranks), mean log loss, confusion matrix
 * `[[trueNeg, falsePos], [falseNeg, truePos]]`. Pure and deterministic.
 */
export function evaluateProbabilities(
  labels: ArrayLike<number>,
  probabilities: ArrayLike<number>,
): EvaluationMetrics {
  const n = labels.length;
  let tp = 0;
  let fp = 0;
  let tn = 0;
  let fn = 0;
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const p = probabilities[i]!;
    const y = labels[i]!;
    const predicted = p >= 0.5;
    if (y === 1) {
      if (predicted) tp++;
      else fn++;
    } else if (predicted) fp++;
    else tn++;
    const q = Math.min(1 - EPS, Math.max(EPS, p));
    loss -= y === 1 ? Math.log(q) : Math.log(1 - q);
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return {
    accuracy: n === 0 ? 0 : (tp + tn) / n,
    precision,
    recall,
    f1,
    auc: rocAuc(labels, probabilities),
    loss: n === 0 ? 0 : loss / n,
    confusionMatrix: [
      [tn, fp],
      [fn, tp],
    ],
    examples: n,
  };
}

/** Area under the ROC curve by the rank-sum (Mann–Whitney U) formula; 0.5 when a class is absent. */
export function rocAuc(labels: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const rank = (i + j) / 2 + 1; // average rank of the tie group (1-based)
    for (let k = i; k <= j; k++) {
      if (labels[order[k]!] === 1) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return 0.5;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}
