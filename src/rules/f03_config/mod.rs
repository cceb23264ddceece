//! Factor III — Config: store config in the environment.

pub mod committed_env_file;
pub mod compile_time_config;
pub mod environment_name_branching;
pub mod hardcoded_deploy_value;
pub mod hardcoded_secret;
