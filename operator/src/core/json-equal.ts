import stringify from "fast-json-stable-stringify";

/** Whether two values are the same JSON: key order and undefined fields do not count. */
export const jsonEqual = (a: unknown, b: unknown): boolean => stringify(a) === stringify(b);
