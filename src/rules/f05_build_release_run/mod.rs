//! Factor V — Build, release, run: strictly separate build and run stages.

pub mod build_at_runtime;
pub mod fetch_at_runtime;
pub mod moving_build_input;
pub mod mutable_image_reference;
