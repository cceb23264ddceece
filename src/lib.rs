//! twelve-lint: a linter for Twelve-Factor App violations in Rust services,
//! Dockerfiles, docker-compose files and Kubernetes manifests.
//!
//! Layers, lowest first; a module imports only from its own layer and those below it
//! (`tests/meta.rs` checks this): [`parse`] (pure front ends), [`diagnostic`] (the
//! vocabulary of findings), [`model`] (file views, derived facts, the project and
//! deployment models, Rust semantics), [`rules`], [`engine`] (the pipeline), [`render`]
//! (output formats) and [`app`] (the command line).

pub mod app;
pub mod diagnostic;
pub mod engine;
pub mod model;
pub mod parse;
pub mod render;
pub mod rules;
