//! Factor III — Config: store config in the environment.

pub mod hardcoded_secret;
