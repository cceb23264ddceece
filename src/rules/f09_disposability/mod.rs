//! Factor IX — Disposability: fast startup and graceful shutdown.

pub mod no_grace_period;
pub mod shell_form_entrypoint;
