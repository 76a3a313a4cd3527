/** `npm run testenv:down`: stops every process of the `testenv:up` cluster by PID and removes its directory. */
import { existsSync } from "node:fs";
import { stopControlPlane } from "./control-plane.ts";
import { UP_DIR } from "./paths.ts";

if (!existsSync(UP_DIR)) {
  console.error("[testenv] Found no test cluster to stop.");
} else {
  await stopControlPlane(UP_DIR);
  console.error(`[testenv] Stopped the test cluster and removed ${UP_DIR}.`);
}
