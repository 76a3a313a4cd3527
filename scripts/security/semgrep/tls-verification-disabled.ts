import https from "node:https";

// ruleid: tls-verification-disabled
https.request({ host: "example.com", rejectUnauthorized: false });

// ruleid: tls-verification-disabled
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";

// ruleid: tls-verification-disabled
const cluster = { name: "c", server: "https://10.0.0.1", skipTLSVerify: true };

// ok: tls-verification-disabled
https.request({ host: "example.com", ca: "pem", rejectUnauthorized: true });

// ok: tls-verification-disabled
https.request({ host: "example.com", rejectUnauthorized: cluster.skipTLSVerify !== true });
