//! What the walk saw of the files the deployment model looks up by name in a directory
//! (`Procfile`, `Tiltfile`, READMEs, project-template manifests), and the files it
//! reads wherever they are (systemd units): the model asks the listing before it asks the
//! file system, so a tree of thousands of directories costs no system call per directory
//! and name.

use std::collections::HashSet;
use std::path::Path;

use crate::model::source::read_regular_prefix;
use crate::parse::path::join_path;

/// The directories a walk listed and the files it saw in them whose names are recorded.
/// The default records no name and knows nothing: every file may exist.
#[derive(Debug)]
pub struct Listing {
    /// True for a file name the listing records.
    records: fn(&str) -> bool,
    dirs: HashSet<String>,
    seen: HashSet<String>,
}

impl Default for Listing {
    fn default() -> Self {
        Listing::recording(|_| false)
    }
}

impl Listing {
    /// A listing that records the files whose names pass `records`.
    pub fn recording(records: fn(&str) -> bool) -> Self {
        Listing {
            records,
            dirs: HashSet::new(),
            seen: HashSet::new(),
        }
    }

    /// True when the listing records files named `name`.
    fn records(&self, name: &str) -> bool {
        (self.records)(name)
    }

    /// Record a directory the walk listed (root-relative; `""` or `.` for the root).
    pub fn listed(&mut self, dir: &str) {
        self.dirs
            .insert(if dir == "." { "" } else { dir }.to_string());
    }

    /// Record a file the walk saw or git tracks (root-relative), when its name is recorded.
    pub fn saw(&mut self, path: &str) {
        if self.records(path.rsplit('/').next().unwrap_or(path)) {
            self.seen.insert(path.to_string());
        }
    }

    /// The files seen whose names end with `suffix` (a recorded kind of name), sorted.
    pub fn seen_ending_with<'a>(&'a self, suffix: &'a str) -> impl Iterator<Item = &'a str> {
        let mut paths: Vec<&str> = self
            .seen
            .iter()
            .map(String::as_str)
            .filter(|p| p.ends_with(suffix))
            .collect();
        paths.sort_unstable();
        paths.into_iter()
    }

    /// The files named `name` in `dirs` (root-relative directories) of the repository at
    /// `root` that may exist ([`Listing::may_exist`]), each with its root-relative path
    /// and the first `max_bytes` of its text.
    pub fn read_named<'d>(
        &self,
        root: &Path,
        dirs: impl IntoIterator<Item = &'d str>,
        name: &str,
        max_bytes: u64,
    ) -> Vec<(String, String)> {
        dirs.into_iter()
            .map(|dir| join_path(dir, name))
            .filter(|rel| self.may_exist(rel))
            .filter_map(|rel| {
                let text = read_regular_prefix(&root.join(&rel), max_bytes)?;
                Some((rel, text))
            })
            .collect()
    }

    /// False only when the name of the file at `path` (root-relative) is recorded, its
    /// directory was listed, and the walk did not see it there: it does not exist, or
    /// ignore rules hide it and git does not track it.
    pub fn may_exist(&self, path: &str) -> bool {
        let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
        !self.records(name) || !self.dirs.contains(dir) || self.seen.contains(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_listed_directory_rules_a_file_out() {
        let mut listing = Listing::recording(|name| name == "Procfile" || name == "README.md");
        listing.listed(".");
        listing.listed("web");
        listing.saw("web/Procfile");
        listing.saw("web/main.rs");
        assert!(listing.may_exist("web/Procfile"));
        assert!(!listing.may_exist("Procfile"), "the root was listed");
        assert!(!listing.may_exist("web/README.md"));
        assert!(listing.may_exist("api/Procfile"), "api was not listed");
        assert!(listing.may_exist("web/notes.txt"), "a name not recorded");
        assert!(Listing::default().may_exist("Procfile"));
    }
}
