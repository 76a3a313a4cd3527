import { FailureError } from "../../common/result.ts";

/** Stable error codes of the API (the `error.code` of every non-2xx JSON body). */
export const ErrorCode = {
  MalformedJson: "MalformedJson",
  InvalidRequest: "InvalidRequest",
  TextTooLong: "TextTooLong",
  BatchTooLarge: "BatchTooLarge",
  BodyTooLarge: "BodyTooLarge",
  UnsupportedMediaType: "UnsupportedMediaType",
  Unauthorized: "Unauthorized",
  NotFound: "NotFound",
  ModelNotFound: "ModelNotFound",
  MethodNotAllowed: "MethodNotAllowed",
  ModelNotReady: "ModelNotReady",
  NotReady: "NotReady",
  PredictionFailed: "PredictionFailed",
  InternalError: "InternalError",
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/**
 * An error that becomes an HTTP response: `status` and `{"error": {"code", "message"}}`. The message
 * is shown to the client, so it must say what to send instead and never echo secrets or review text.
 */
export class HttpError extends FailureError<ErrorCode> {
  readonly status: number;
  readonly expose = true;
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    status: number,
    code: ErrorCode,
    message: string,
    headers: Record<string, string> = {},
    cause?: unknown,
  ) {
    super(code, message, cause === undefined ? undefined : { cause });
    this.name = "HttpError";
    this.status = status;
    this.headers = headers;
  }
}

export const httpError = (
  status: number,
  code: ErrorCode,
  message: string,
  headers?: Record<string, string>,
  cause?: unknown,
): HttpError => new HttpError(status, code, message, headers, cause);

export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string };
}

export const errorBody = (code: string, message: string): ErrorBody => ({ error: { code, message } });
