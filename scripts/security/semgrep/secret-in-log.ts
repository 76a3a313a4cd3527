declare const log: { info(msg: string, fields?: object): void; error(msg: string, fields?: object): void };
declare const auth: { token: string; secretName: string };
declare const apiToken: string;

// ruleid: secret-in-log
log.info("Loaded the bearer token", { token: auth.token });
// ruleid: secret-in-log
console.log(`token is ${apiToken}`);
// ruleid: secret-in-log
log.error("Authorization failed", { authorization: `Bearer ${apiToken}` });
// ruleid: secret-in-log
throw new Error(`bad token ${auth.token}`);

// ok: secret-in-log
log.info("Loaded the bearer token", { secretName: auth.secretName, tokenSet: auth.token !== "" });
// ok: secret-in-log
console.log(`token from Secret ${auth.secretName}`);
// ok: secret-in-log
log.info("Started server", { auth: apiToken !== undefined });
// ok: secret-in-log
log.info("Built vocabulary", { tokens: 20000 });
