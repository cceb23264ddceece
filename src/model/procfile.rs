//! Procfiles (Heroku, Dokku, Scalingo, foreman): each line declares a process type and the
//! command that runs it (`web: ./target/release/api serve`). A process type is a deployed
//! artifact: the binary its command names is production code. `release:` is the release
//! phase, a one-off admin process run before each release.

use std::path::Path;

use crate::model::listing::Listing;
use crate::model::source::launch;
use crate::model::source::read_regular_prefix;
use crate::parse::shell;

/// The name of the file the platforms read.
pub const PROCFILE: &str = "Procfile";

/// The most bytes of a Procfile that are read.
const PROCFILE_MAX_BYTES: u64 = 64 * 1024;

/// One process type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The Procfile's root-relative path.
    pub procfile: String,
    /// The process type (`web`, `worker`, `release`).
    pub name: String,
    pub command: String,
    /// 1-based line in the Procfile.
    pub line: usize,
    /// What [`Process::programs`] returns, read once from `command`.
    programs: Vec<String>,
}

impl Process {
    /// The file names of the programs its command runs (`./target/release/api serve` →
    /// `api`; through `sh -c`, `&&` and `exec`), lower-cased.
    pub fn programs(&self) -> &[String] {
        &self.programs
    }

    /// Its programs that are one of the binaries `names` ([`launch::programs_named`]).
    pub fn programs_named<'a>(&'a self, names: &[String]) -> impl Iterator<Item = &'a String> {
        launch::programs_named(&self.programs, names)
    }
}

/// The process types of a Procfile's text: `name: command` lines; other lines (comments,
/// blank lines) are skipped, as the platforms do.
pub fn parse(procfile: &str, text: &str) -> Vec<Process> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (name, command) = line.split_once(':')?;
            let valid = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            let command = command.trim();
            (valid && !command.is_empty()).then(|| Process {
                procfile: procfile.to_string(),
                name: name.to_string(),
                command: command.to_string(),
                line: i + 1,
                programs: shell::programs(command),
            })
        })
        .collect()
}

/// The process types of the Procfiles in `dirs` (root-relative directories) of the
/// repository at `root`, whose walk saw `listing`.
pub fn read<'d>(
    root: &Path,
    listing: &Listing,
    dirs: impl IntoIterator<Item = &'d str>,
) -> Vec<Process> {
    let mut out = Vec::new();
    for dir in dirs {
        let rel = if dir.is_empty() {
            PROCFILE.to_string()
        } else {
            format!("{dir}/{PROCFILE}")
        };
        if !listing.may_exist(&rel) {
            continue;
        }
        if let Some(text) = read_regular_prefix(&root.join(&rel), PROCFILE_MAX_BYTES) {
            out.extend(parse(&rel, &text));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_types_and_their_programs() {
        let text = "# Heroku\nrelease: ./target/release/crates-io migrate\nweb: exec bin/api --port $PORT\n\nworker: sh -c 'cd /app && ./worker'\nnot a process\n";
        let processes = parse("Procfile", text);
        let names: Vec<(&str, usize)> = processes
            .iter()
            .map(|p| (p.name.as_str(), p.line))
            .collect();
        assert_eq!(names, [("release", 2), ("web", 3), ("worker", 5)]);
        assert_eq!(processes[0].programs(), ["crates-io"]);
        assert_eq!(processes[1].programs(), ["api"]);
        assert!(processes[2].programs().contains(&"worker".to_string()));
    }
}
