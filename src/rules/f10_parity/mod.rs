//! Factor X — Dev/prod parity: keep development, staging and production alike.

pub mod backing_service_drift;
pub mod build_profile_service_switch;
