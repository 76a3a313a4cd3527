import { registerArchitecture } from "./registry.ts";

/**
 * The architectures this build can serve. Each line imports its module only when a model of that
 * architecture is loaded. Importing this file has no other effect.
 */
registerArchitecture("nblr", async () => (await import("./nblr.ts")).loadNblrPredictor);
registerArchitecture("bilstm", async () => (await import("./bilstm.ts")).loadBilstmPredictor);
