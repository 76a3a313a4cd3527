/** Binary sparse rows (compressed sparse row layout): row i's features are cols[rowPtr[i]..rowPtr[i+1]). */
export interface SparseRows {
  readonly rowPtr: Int32Array;
  readonly cols: Int32Array;
}

export const rowCount = (x: SparseRows): number => x.rowPtr.length - 1;

/** Grows an Int32Array buffer as values are appended. */
export class IntBuffer {
  #data: Int32Array;
  length = 0;
  constructor(initial = 1024) {
    this.#data = new Int32Array(initial);
  }
  push(v: number): void {
    if (this.length === this.#data.length) {
      const grown = new Int32Array(this.#data.length * 2);
      grown.set(this.#data);
      this.#data = grown;
    }
    this.#data[this.length++] = v;
  }
  /** The values pushed so far, without copying (do not push afterwards). */
  toArray(): Int32Array {
    return this.#data.subarray(0, this.length);
  }
}
