// How an edge is taken; events carry it (`edge.taken`), the loader produces it.
type SuccessEdgeMode = 'sequential' | 'conditional' | 'parallel' | 'switch' | 'loop' | 'event' | 'spawn';
type FailureEdgeMode = 'fallback' | 'error' | 'timeout';
/** Data-only: the edge says where data goes (the spec's runtime binding), never how control flows; drawn, never taken. */
type DataEdgeMode = 'dataflow' | 'message';
export type EdgeMode = SuccessEdgeMode | FailureEdgeMode | DataEdgeMode;
