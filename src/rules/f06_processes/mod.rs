//! Factor VI — Processes: execute the app as one or more stateless processes.

pub mod sticky_sessions;
