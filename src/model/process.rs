//! Processes a process manager starts from a committed declaration: the process types of
//! a Procfile (Heroku, Dokku, Scalingo, foreman: `web: ./target/release/api serve`) and
//! the services of systemd units (`[Service]` `ExecStart=/usr/bin/api serve`). Each is a
//! deployed artifact: the binary its command names is production code. A Procfile's
//! `release:` is the release phase, a one-off admin process run before each release.

use std::path::Path;

use crate::model::listing::Listing;
use crate::model::source::launch;
use crate::model::source::read_regular_prefix;
use crate::parse::shell;

/// The name of the file the Procfile platforms read.
pub const PROCFILE: &str = "Procfile";

/// The most bytes of a Procfile or unit file that are read.
const MAX_BYTES: u64 = 64 * 1024;

/// What starts a process, and so what signal stops it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Manager {
    /// A Procfile platform, which stops processes with SIGTERM.
    Procfile,
    /// systemd, which stops a service with its unit's `KillSignal=` (SIGTERM unless set).
    Systemd { kill_signal: Option<String> },
}

/// One declared process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    /// The root-relative path of the file that declares it.
    pub file: String,
    /// The process type (`web`, `worker`, `release`), or the unit's name (`api.service`).
    pub name: String,
    pub command: String,
    /// 1-based line of the command in `file`.
    pub line: usize,
    pub manager: Manager,
    /// What [`Process::programs`] returns, read once from `command`.
    programs: Vec<String>,
}

impl Manager {
    /// What it starts, as the deployment model names an artifact.
    pub fn kind(&self) -> &'static str {
        match self {
            Manager::Procfile => "process",
            Manager::Systemd { .. } => "systemd service",
        }
    }
}

impl Process {
    fn new(file: &str, name: &str, command: &str, line: usize, manager: Manager) -> Self {
        Process {
            file: file.to_string(),
            name: name.to_string(),
            command: command.to_string(),
            line,
            manager,
            programs: shell::programs(command),
        }
    }

    /// The file names of the programs its command runs (`./target/release/api serve` →
    /// `api`; through `sh -c`, `&&` and `exec`), lower-cased.
    pub fn programs(&self) -> &[String] {
        &self.programs
    }

    /// Its programs that are one of the binaries `names` ([`launch::programs_named`]).
    pub fn programs_named<'a>(&'a self, names: &[String]) -> impl Iterator<Item = &'a String> {
        launch::programs_named(&self.programs, names)
    }

    /// True for a Procfile process of type `name`.
    pub fn is_procfile_type(&self, name: &str) -> bool {
        self.manager == Manager::Procfile && self.name == name
    }

    /// The signal its manager stops it with.
    pub fn stop_signal(&self) -> &str {
        match &self.manager {
            Manager::Systemd {
                kill_signal: Some(signal),
            } => signal,
            _ => "SIGTERM",
        }
    }
}

/// The process types of a Procfile's text: `name: command` lines; other lines (comments,
/// blank lines) are skipped, as the platforms do.
pub fn parse_procfile(procfile: &str, text: &str) -> Vec<Process> {
    text.lines()
        .enumerate()
        .filter_map(|(i, line)| {
            let (name, command) = line.split_once(':')?;
            let valid = !name.is_empty()
                && name
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
            let command = command.trim();
            (valid && !command.is_empty())
                .then(|| Process::new(procfile, name, command, i + 1, Manager::Procfile))
        })
        .collect()
}

/// The process types of the Procfiles in `dirs` (root-relative directories) of the
/// repository at `root`, whose walk saw `listing`.
pub fn read_procfiles<'d>(
    root: &Path,
    listing: &Listing,
    dirs: impl IntoIterator<Item = &'d str>,
) -> Vec<Process> {
    listing
        .read_named(root, dirs, PROCFILE, MAX_BYTES)
        .iter()
        .flat_map(|(rel, text)| parse_procfile(rel, text))
        .collect()
}

/// The suffix of a systemd service unit's file name.
pub const UNIT_SUFFIX: &str = ".service";

/// The service a systemd unit file declares: its last `ExecStart=` in the `[Service]`
/// section (an empty `ExecStart=` clears the earlier ones), with its `KillSignal=`. Read
/// as systemd reads it: `#` and `;` lines are comments, a line ending in `\` continues
/// on the next, and a command's `@-:+!` prefixes are not part of its program. A file
/// without a `[Service]` `ExecStart=` (a D-Bus service file, a timer's target) declares
/// none. `ExecStartPre=` and `ExecStop=` commands are one-off steps, not the service.
pub fn parse_unit(path: &str, text: &str) -> Option<Process> {
    let mut section = "";
    let mut exec: Option<(String, usize)> = None;
    let mut kill_signal = None;
    let mut lines = text.lines().enumerate();
    while let Some((i, line)) = lines.next() {
        let line = line.trim();
        if line.starts_with(['#', ';']) {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name;
            continue;
        }
        let mut logical = line.to_string();
        while logical.ends_with('\\') {
            logical.pop();
            logical.truncate(logical.trim_end().len());
            match lines.next() {
                Some((_, next)) if next.trim_start().starts_with(['#', ';']) => {}
                Some((_, next)) => logical.push_str(&format!(" {}", next.trim())),
                None => break,
            }
        }
        let Some((key, value)) = logical.split_once('=') else {
            continue;
        };
        if section != "Service" {
            continue;
        }
        let value = value.trim();
        match key.trim() {
            "ExecStart" if value.is_empty() => exec = None,
            "ExecStart" => {
                let command = value.trim_start_matches(['@', '-', ':', '+', '!']);
                exec = Some((command.to_string(), i + 1));
            }
            "KillSignal" => kill_signal = value.split_whitespace().next().map(str::to_string),
            _ => {}
        }
    }
    let (command, line) = exec?;
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(Process::new(
        path,
        name,
        &command,
        line,
        Manager::Systemd { kill_signal },
    ))
}

/// The services of the systemd unit files the walk of the repository at `root` saw
/// (`listing`), in path order.
pub fn read_units(root: &Path, listing: &Listing) -> Vec<Process> {
    listing
        .seen_ending_with(UNIT_SUFFIX)
        .filter_map(|rel| {
            let text = read_regular_prefix(&root.join(rel), MAX_BYTES)?;
            parse_unit(rel, &text)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_types_and_their_programs() {
        let text = "# Heroku\nrelease: ./target/release/crates-io migrate\nweb: exec bin/api --port $PORT\n\nworker: sh -c 'cd /app && ./worker'\nnot a process\n";
        let processes = parse_procfile("Procfile", text);
        let names: Vec<(&str, usize)> = processes
            .iter()
            .map(|p| (p.name.as_str(), p.line))
            .collect();
        assert_eq!(names, [("release", 2), ("web", 3), ("worker", 5)]);
        assert_eq!(processes[0].programs(), ["crates-io"]);
        assert_eq!(processes[1].programs(), ["api"]);
        assert!(processes[2].programs().contains(&"worker".to_string()));
    }

    #[test]
    fn a_units_service_and_its_program() {
        let text = "[Unit]\nDescription=api\nExecStart=/usr/bin/not-this\n\n[Service]\n# ExecStart=/usr/bin/old\nType=simple\nExecStartPre=/usr/bin/api check\nExecStart=\nExecStart=-/usr/bin/api \\\n  serve --port 8080\nKillSignal=SIGINT # drains\n";
        let p = parse_unit("debian/api.service", text).expect("a service");
        assert_eq!(p.name, "api.service");
        assert_eq!(p.line, 10);
        assert_eq!(p.command, "/usr/bin/api serve --port 8080");
        assert_eq!(p.programs(), ["api"]);
        assert_eq!(p.stop_signal(), "SIGINT");
        assert!(!p.is_procfile_type("web"));
    }

    #[test]
    fn a_file_without_a_service_command_declares_none() {
        let dbus = "[D-BUS Service]\nName=org.example.Api\nExec=/usr/bin/api\n";
        assert_eq!(parse_unit("dbus/org.example.Api.service", dbus), None);
        let cleared = "[Service]\nExecStart=/usr/bin/api\nExecStart=\n";
        assert_eq!(parse_unit("api.service", cleared), None);
    }
}
