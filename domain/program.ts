/**
 * A development program as an event-sourced aggregate, gathered from its modules: events
 * (events.ts), state and `evolve` (state.ts), `decide` and `execute` (decide.ts), one module per
 * command (commands/), the enrollment (enrollment.ts) and the time-driven rules (clock.ts). Kept
 * so the many modules that import the aggregate as one need not name each part.
 */
export * from './events.js';
export * from './state.js';
export type { Clock, Decision } from './decision.js';
export * from './decide.js';
export * from './enrollment.js';
export * from './clock.js';
export type * from './commands/index.js';
