//! What the repository is, read from its parsed files: file views ([`source`]) and the
//! facts derived from them (container start commands, call flow, listen sites), the
//! project model across files, and the deployment model: what the repository deploys,
//! the role of every file, which image names deploy tools replace, and what a
//! configuration value is (a reference, a placeholder, a weak default or a literal).
//! Rules ask it whether code or a file is production, and what a value is, instead of
//! keeping their own lists. Beside it, name resolution: which workspace functions a Rust
//! call reaches.

pub mod backing;
pub mod cross;
pub mod databases;
pub mod deployed_config;
pub mod dev_images;
pub mod flow;
pub mod fly;
pub mod helm;
pub mod image_shell;
pub mod images;
pub mod listen;
pub mod listing;
pub mod names;
pub mod pipelines;
pub mod prefilter;
pub mod process;
pub mod program;
pub mod project;
pub mod python_scripts;
pub mod role;
pub mod secrets;
pub mod source;
pub mod test_stacks;
pub mod threads;
pub mod value;
