//! Factor II — Dependencies: explicitly declare and isolate dependencies.

pub mod missing_lockfile;
pub mod path_dependency_outside_repo;
pub mod remote_script_pipe;
pub mod undeclared_system_tool;
pub mod unpinned_base_image;
pub mod unpinned_git_dependency;
pub mod unpinned_os_packages;
pub mod wildcard_dependency;
