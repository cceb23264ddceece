//! Factor V — Build, release, run: strictly separate build and run stages.

pub mod mutable_image_reference;
