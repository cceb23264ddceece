//! Factor I — Codebase: one codebase tracked in revision control, many deploys.

pub mod environment_forked_code;
pub mod multiple_apps;
pub mod not_version_controlled;
