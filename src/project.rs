//! The project model: what the walk learned, for project (cross-file) rules.

use std::path::PathBuf;

use crate::source::FileKind;

/// One linted file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FileEntry {
    /// Path relative to the project root, `/`-separated.
    pub path: String,
    pub kind: FileKind,
}

/// Everything project rules may ask about the repository.
#[derive(Debug, Default)]
pub struct Project {
    /// The project root (git work tree root when inside git).
    pub root: PathBuf,
    /// True when the root is inside a git work tree.
    pub in_git: bool,
    /// Linted files, sorted by path.
    pub files: Vec<FileEntry>,
}
