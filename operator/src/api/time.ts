import { z } from "zod";

/** RFC 3339 time in seconds precision, as Kubernetes writes `metav1.Time` (`2025-01-02T03:04:05Z`). */
export const Time = z.iso.datetime().max(64);

/** Formats a time the way Kubernetes does: RFC 3339, UTC, whole seconds. */
export const rfc3339 = (t: Date): string => `${t.toISOString().slice(0, 19)}Z`;
