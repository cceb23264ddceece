//! twelve-lint: a linter for Twelve-Factor App violations in Rust services,
//! Dockerfiles, docker-compose files and Kubernetes manifests.

pub mod baseline;
pub mod cli;
pub mod config;
pub mod diagnostic;
pub mod diff;
pub mod engine;
pub mod evidence;
pub mod fingerprint;
pub mod fix;
pub mod launch;
pub mod model;
pub mod parse;
pub mod prefilter;
pub mod program;
pub mod project;
pub mod render;
pub mod rules;
pub mod shell;
pub mod source;
pub mod suppress;
pub mod text;
