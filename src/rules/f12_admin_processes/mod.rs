//! Factor XII — Admin processes: run admin/management tasks as one-off processes.

pub mod admin_http_endpoint;
pub mod entrypoint_admin_task;
pub mod migrations_in_server_startup;
