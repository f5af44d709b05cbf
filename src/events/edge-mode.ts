// How an edge is taken; events carry it (`edge.taken`), the loader produces it.
type SuccessEdgeMode = 'sequential' | 'conditional' | 'parallel' | 'switch' | 'loop' | 'event' | 'spawn';
type FailureEdgeMode = 'fallback' | 'error' | 'timeout';
export type EdgeMode = SuccessEdgeMode | FailureEdgeMode;
