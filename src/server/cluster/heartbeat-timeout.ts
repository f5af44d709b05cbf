// How long a cluster node may stay silent before the others take its runs (a module of its own, so the CLI reads it
// without loading DBOS). A node heartbeats every second, or a third of this when shorter.
export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 5000;
