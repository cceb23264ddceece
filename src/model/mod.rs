//! The deployment model: what the repository deploys, the role of every file, which image
//! names deploy tools replace, and what a configuration value is (a reference, a
//! placeholder, a weak default or a literal). Rules ask it whether code or a file is
//! production, and what a value is, instead of keeping their own lists. Beside it, name
//! resolution: which workspace functions a Rust call reaches.

pub mod helm;
pub mod images;
pub mod names;
pub mod role;
pub mod value;
