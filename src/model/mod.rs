//! The deployment model: what the repository deploys, and the role of every file.
//! Rules ask it whether code or a file is production instead of keeping their own lists.

pub mod helm;
pub mod images;
pub mod role;
