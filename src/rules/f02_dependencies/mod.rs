//! Factor II — Dependencies: explicitly declare and isolate dependencies.

pub mod unpinned_base_image;
