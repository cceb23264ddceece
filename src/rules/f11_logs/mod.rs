//! Factor XI — Logs: treat logs as event streams written to stdout.

pub mod file_logging;
pub mod in_app_log_routing;
