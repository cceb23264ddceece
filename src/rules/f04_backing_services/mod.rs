//! Factor IV — Backing services: treat backing services as attached resources.

pub mod backing_service_ip;
pub mod datastore_in_app_pod;
pub mod hardcoded_backing_service;
