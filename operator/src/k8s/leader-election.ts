import type { Logger } from "../../../common/log.ts";
import { realClock, sleep, type Clock } from "../runtime/clock.ts";
import { microTime } from "./events.ts";
import type { LeaseRecord, LeaseStore, StoredLease } from "./lease-store.ts";
import { jsonEqual } from "../core/json-equal.ts";

export interface LeaderElectorOptions {
  readonly store: LeaseStore;
  /** Unique per process, e.g. "hostname_1a2b3c". */
  readonly identity: string;
  /** How long a lease holds without renewal. @default 15000 (client-go) */
  readonly leaseDurationMs?: number;
  /** A leader that could not renew for this long steps down. @default 10000 */
  readonly renewDeadlineMs?: number;
  /** Time between attempts to acquire or renew. @default 2000 */
  readonly retryPeriodMs?: number;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

export interface LeadershipCallbacks {
  /** Called once this process leads; `lead` aborts when leadership ends. */
  onStartedLeading(lead: AbortSignal): void;
  /** Called when leadership ends, by shutdown or by a failed renewal. */
  onStoppedLeading(): void;
}

/** Why `run` returned: the process was shutting down, or it lost a lease it held. */
export type ElectionEnd = "stopped" | "lost";

/**
 * Leader election on a coordination.k8s.io/v1 Lease, as client-go's `leaderelection` package:
 * - a candidate takes the lease when it is free, released, or not renewed for its duration. Expiry
 *   is judged by when THIS process last saw the record change, never by the holder's timestamps,
 *   so clock skew between nodes cannot make two leaders;
 * - the leader renews every `retryPeriodMs`; if no renewal succeeds for `renewDeadlineMs` it stops
 *   leading (before the lease can expire for others, since renewDeadline < leaseDuration);
 * - on shutdown the leader releases the lease (empty holder), so a standby takes over at once.
 */
export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectorOptions, "logger">> & { logger: Logger | undefined };
  #observed: StoredLease | undefined;
  #observedAt = 0;
  #leading = false;

  constructor(opts: LeaderElectorOptions) {
    this.#o = {
      leaseDurationMs: 15_000,
      renewDeadlineMs: 10_000,
      retryPeriodMs: 2_000,
      clock: realClock,
      ...opts,
      logger: opts.logger,
    };
    const { leaseDurationMs: d, renewDeadlineMs: r, retryPeriodMs: p } = this.#o;
    if (!(d > r && r > p && p > 0)) {
      throw new RangeError(
        `Leader election needs leaseDuration > renewDeadline > retryPeriod > 0; got ${d}, ${r}, ${p} ms.`,
      );
    }
  }

  get isLeader(): boolean {
    return this.#leading;
  }

  /** The holder seen in the lease at the last attempt ("" when free or unknown). */
  get observedLeader(): string {
    return this.#observed?.spec.holderIdentity ?? "";
  }

  /** Campaigns until `stop` aborts (returns "stopped") or leadership is lost (returns "lost"). */
  async run(stop: AbortSignal, cb: LeadershipCallbacks): Promise<ElectionEnd> {
    const { clock, retryPeriodMs, renewDeadlineMs, logger, identity, store } = this.#o;
    while (!stop.aborted && !(await this.#tryAcquireOrRenew())) {
      await sleep(clock, retryPeriodMs * (1 + Math.random() * 0.2), stop);
    }
    if (stop.aborted) return "stopped";
    this.#leading = true;
    logger?.info("Acquired leader lease", { lease: store.description, identity });
    const lead = new AbortController();
    cb.onStartedLeading(lead.signal);

    let lastRenew = clock.now();
    let end: ElectionEnd = "stopped";
    while (!stop.aborted) {
      await sleep(clock, retryPeriodMs, stop);
      if (stop.aborted) break;
      if (await this.#tryAcquireOrRenew()) {
        lastRenew = clock.now();
      } else if (clock.now() - lastRenew >= renewDeadlineMs) {
        end = "lost";
        break;
      }
    }
    this.#leading = false;
    lead.abort();
    if (end === "lost")
      logger?.error("Lost leader lease", { lease: store.description, identity, holder: this.observedLeader });
    cb.onStoppedLeading();
    return end;
  }

  /** Gives the lease up if this process holds it, so another candidate need not wait for expiry. */
  async release(): Promise<void> {
    const { store, identity, clock, logger } = this.#o;
    const current = this.#observed;
    if (!current || current.spec.holderIdentity !== identity) return;
    const now = microTime(clock.now());
    try {
      const spec: LeaseRecord = {
        holderIdentity: "",
        leaseDurationSeconds: 1,
        acquireTime: now,
        renewTime: now,
        leaseTransitions: current.spec.leaseTransitions ?? 0,
      };
      this.#observed = await store.update(spec, current.resourceVersion);
      logger?.info("Released leader lease", { lease: store.description, identity });
    } catch (e) {
      logger?.warn("Failed to release leader lease", {
        lease: store.description,
        error: (e as Error).message,
      });
    }
  }

  async #tryAcquireOrRenew(): Promise<boolean> {
    const { store, identity, clock, leaseDurationMs, logger } = this.#o;
    const now = clock.now();
    const fresh = (transitions: number, acquireTime = microTime(now)): LeaseRecord => ({
      holderIdentity: identity,
      leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
      acquireTime,
      renewTime: microTime(now),
      leaseTransitions: transitions,
    });
    try {
      const current = await store.get();
      if (!current) return this.#saw(await store.create(fresh(0)), now);
      if (!this.#observed || !jsonEqual(current.spec, this.#observed.spec)) this.#saw(current, now);
      const holder = current.spec.holderIdentity ?? "";
      const heldFor = (current.spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder !== "" && holder !== identity && this.#observedAt + heldFor > now) return false;
      const transitions = current.spec.leaseTransitions ?? 0;
      const spec =
        holder === identity
          ? fresh(transitions, current.spec.acquireTime ?? microTime(now))
          : fresh(transitions + 1);
      return this.#saw(await store.update(spec, current.resourceVersion), now);
    } catch (e) {
      logger?.debug("Failed to acquire or renew leader lease", {
        lease: store.description,
        error: (e as Error).message,
      });
      return false;
    }
  }

  #saw(lease: StoredLease, at: number): true {
    this.#observed = lease;
    this.#observedAt = at;
    return true;
  }
}
