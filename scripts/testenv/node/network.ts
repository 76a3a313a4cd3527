/**
 * The node's network namespace and its veth link to the host. Processes enter it with
 * `nsenter --net=` only: `ip netns exec` would also remount /sys, and runc then finds no cgroup
 * mount. The namespace has no uplink: pods reach the host (the apiserver) and nothing beyond.
 */
import { existsSync } from "node:fs";
import { runCommand } from "../run-command.ts";
import { NODE_NET } from "./configs.ts";

export const netnsPath = (name: string = NODE_NET.netns): string => `/run/netns/${name}`;

async function ip(args: string[]): Promise<void> {
  const r = await runCommand("ip", args);
  if (r.code !== 0) throw new Error(`ip ${args.join(" ")} failed: ${r.stderrTail}`);
}

/** Runs a command inside the node's network namespace. */
export async function inNetns(cmd: string, args: readonly string[]): Promise<void> {
  const r = await runCommand("nsenter", [`--net=${netnsPath()}`, "--", cmd, ...args]);
  if (r.code !== 0)
    throw new Error(`${cmd} ${args.join(" ")} (in ${NODE_NET.netns}) failed: ${r.stderrTail}`);
}

export async function createNodeNetwork(): Promise<void> {
  const n = NODE_NET;
  await ip(["netns", "add", n.netns]);
  await ip(["link", "add", n.hostIf, "type", "veth", "peer", "name", n.nodeIf, "netns", n.netns]);
  await ip(["addr", "add", `${n.hostIp}/${n.prefix}`, "dev", n.hostIf]);
  await ip(["link", "set", n.hostIf, "up"]);
  // The host reaches pod IPs through the node (and the apiserver answers pods directly).
  await ip(["route", "add", n.podCidr, "via", n.nodeIp, "dev", n.hostIf]);
  await ip(["-n", n.netns, "link", "set", "lo", "up"]);
  await ip(["-n", n.netns, "addr", "add", `${n.nodeIp}/${n.prefix}`, "dev", n.nodeIf]);
  await ip(["-n", n.netns, "link", "set", n.nodeIf, "up"]);
  await ip(["-n", n.netns, "route", "add", "default", "via", n.hostIp]);
  // Forwarding between the pod bridge and the veth, inside the namespace only (a per-namespace setting).
  await inNetns("sysctl", ["-q", "-w", "net.ipv4.ip_forward=1"]);
}

/** Deletes the namespace (its links, routes and iptables rules go with it) and the host end. */
export async function deleteNodeNetwork(): Promise<void> {
  if (existsSync(netnsPath())) await runCommand("ip", ["netns", "del", NODE_NET.netns]);
  // The host end vanishes with its peer; delete it explicitly if the namespace was already gone.
  await runCommand("ip", ["link", "del", NODE_NET.hostIf]);
}

export function nodeNetworkExists(): boolean {
  return existsSync(netnsPath());
}
