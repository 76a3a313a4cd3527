/**
 * The default model version: UTC creation time plus the first 8 hex digits of the content digest,
 * for example `20250102-030405-1a2b3c4d`. Sorts by time, differs when the weights differ, and is a
 * valid Kubernetes label value.
 */
export function defaultVersion(createdAt: Date, contentSha256: string): string {
  const iso = createdAt.toISOString(); // 2025-01-02T03:04:05.678Z
  const stamp = `${iso.slice(0, 10).replaceAll("-", "")}-${iso.slice(11, 19).replaceAll(":", "")}`;
  return `${stamp}-${contentSha256.slice(0, 8)}`;
}

/** Kubernetes label-value rules, so the version can label Deployments and metrics. */
export const VERSION_PATTERN = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,61}[A-Za-z0-9])?$/;
