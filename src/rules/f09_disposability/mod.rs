//! Factor IX — Disposability: fast startup and graceful shutdown.

pub mod missing_sigterm_handling;
pub mod no_grace_period;
pub mod shell_form_entrypoint;
pub mod sigint_only_shutdown;
