/**
 * Errors are values. A `Failure` carries a machine-readable `reason` (CamelCase, stable, suitable
 * for a Kubernetes condition reason) and a human `message` that says what to do next.
 */
export interface Failure<R extends string = string> {
  readonly reason: R;
  readonly message: string;
}

export type Result<T, E = Failure> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: E };

export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });
export const failure = <R extends string>(reason: R, message: string): Failure<R> => ({ reason, message });

/** An Error subclass that carries a Failure, for code paths where throwing is the natural shape. */
export class FailureError<R extends string = string> extends Error {
  readonly reason: R;
  constructor(reason: R, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FailureError";
    this.reason = reason;
  }
}
