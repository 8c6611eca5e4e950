// The workflow bundle's entry point: every workflow the worker runs.
export { developmentProgram } from './development-program.js';
export { resendNotice } from './resend-notice.js';
