import { generate } from "json-merge-patch";

/**
 * The JSON merge patch (RFC 7386, json-merge-patch's `generate`) that turns `live` into
 * `desired`: only changed keys, `null` for keys to remove, arrays replaced whole; `undefined` when
 * nothing changed, so callers can skip the write. `desired` goes through JSON first, so its
 * undefined fields count as absent (`generate` would send them as changes).
 */
export const mergePatch = (live: unknown, desired: unknown): unknown =>
  generate(live, desired === undefined ? undefined : JSON.parse(JSON.stringify(desired)));
