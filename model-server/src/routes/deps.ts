import type { Registry } from "prom-client";
import type { Lifecycle } from "../lifecycle.ts";
import type { ModelHolder } from "../model-holder.ts";
import type { Limits, PredictionService } from "../prediction.ts";

/** What route handlers need; built once by createApp. */
export interface RouteDeps {
  readonly holder: ModelHolder;
  readonly lifecycle: Lifecycle;
  readonly predictions: PredictionService;
  readonly registry: Registry;
  readonly limits: Limits;
  readonly maxBodyBytes: number;
}
