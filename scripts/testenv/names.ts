/** Naming rules for objects the test helper creates (pure). */

const DNS_LABEL_MAX = 63;

/**
 * A fresh namespace name for a test: `t-<slug of the test name>-<suffix>`, a valid DNS label
 * (lower-case alphanumerics and '-', at most 63 characters, starting and ending alphanumeric).
 */
export function testNamespaceName(testName: string, suffix: string): string {
  const slug = testName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  const room = DNS_LABEL_MAX - "t-".length - suffix.length - 1;
  const trimmed = slug.slice(0, room).replace(/-+$/, "");
  return trimmed ? `t-${trimmed}-${suffix}` : `t-${suffix}`;
}

/** Six random lower-case alphanumerics. */
export function randomSuffix(random: () => number = Math.random): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  let out = "";
  for (let i = 0; i < 6; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}
