//! The deployment model: what the repository deploys, and the role of every file.
//! Rules ask it whether code or a file is production instead of keeping their own lists.
//! Beside it, name resolution: which workspace functions a Rust call reaches.

pub mod names;
pub mod role;
