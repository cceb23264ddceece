//! Factor VII — Port binding: export services via port binding.

pub mod hardcoded_listen_address;
pub mod loopback_bind_in_container;
pub mod port_mismatch;
