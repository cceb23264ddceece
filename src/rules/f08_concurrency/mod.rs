//! Factor VIII — Concurrency: scale out via the process model.

pub mod multiple_processes;
