//! Factor VI — Processes: execute the app as stateless, share-nothing processes.

pub mod in_memory_session_store;
pub mod local_disk_persistence;
pub mod process_local_state;
pub mod sticky_sessions;
