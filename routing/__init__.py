"""EMS pickup routing (VRPTW) and dispatch batching."""
