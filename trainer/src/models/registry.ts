import type { ArchitectureTrainer } from "./types.ts";

/** Imports an architecture's training code on first use (bilstm pulls in tfjs; nblr must not). */
export type LazyTrainer = () => Promise<ArchitectureTrainer>;

const trainers = new Map<string, LazyTrainer>();

/** Registers (or replaces) the trainer of an architecture. */
export function registerTrainer(name: string, trainer: LazyTrainer): void {
  trainers.set(name, trainer);
}

export function trainerFor(name: string): LazyTrainer | undefined {
  return trainers.get(name);
}

/** Registered architecture names, sorted. */
export function knownTrainers(): string[] {
  return [...trainers.keys()].sort();
}
