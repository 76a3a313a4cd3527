import { registerTrainer } from "./registry.ts";

/** The architectures `sentiment-train` can train. Each line imports its code only when chosen. */
registerTrainer("nblr", async () => (await import("./nblr/index.ts")).nblrTrainer);
registerTrainer("bilstm", async () => (await import("./bilstm/index.ts")).bilstmTrainer);
