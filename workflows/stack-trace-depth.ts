/**
 * How many frames a stack trace in the workflow sandbox keeps. The worker records where each promise
 * of a workflow was made, for Temporal's stack-trace query: a stack trace per promise, source-mapped
 * frame by frame. At V8's default of 10 frames that bookkeeping was a third of the worker's workflow
 * thread in a CPU profile under load (docs/operations.md, "Worker tuning"). Four frames still reach
 * from the SDK's own call to the program's line that made it (test/integration/dev-server.test.ts).
 *
 * Preloaded (worker/worker.ts, `sharedWorkflowModules`): it runs once, while the reused V8 context is
 * set up and before its built-ins are frozen; a workflow cannot change them afterwards.
 */
Error.stackTraceLimit = 4;

export {};
