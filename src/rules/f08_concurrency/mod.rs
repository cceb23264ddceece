//! Factor VIII — Concurrency: scale out via the process model.

pub mod multiple_processes;
pub mod pid_file;
pub mod self_daemonizing;
pub mod unscalable_service;
