#!/usr/bin/env node
// Node 24 strips the types of the .ts source; see package.json "bin".
import "../src/main.ts";
