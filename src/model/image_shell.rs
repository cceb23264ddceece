//! Which shell runs a container's shell-form command, and whether it replaces itself with
//! the command's last program. That decides who is PID 1 and gets SIGTERM:
//! - BusyBox `ash` (Alpine, BusyBox images) runs a `-c` string's last command without a
//!   fork (`evalstring(minusc, EV_EXIT)`), so `sh -c "migrate && app"` ends with `app` as
//!   PID 1;
//! - `bash` does so only when the whole string is one simple command;
//! - Debian's `dash` (Debian, Ubuntu, and the Docker official images built on them) never
//!   does: the shell stays PID 1 and does not pass SIGTERM on.

use crate::parse::image::ImageRef;
use crate::parse::shell::{Command, Sep};

/// A shell family, by what it does with the last command of `sh -c`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sh {
    /// Debian's `dash`: always forks.
    Dash,
    /// `bash`: replaces itself when the string is one simple command.
    Bash,
    /// BusyBox `ash`: replaces itself with the last command.
    Busybox,
}

impl Sh {
    /// The shell's name.
    pub fn name(self) -> &'static str {
        match self {
            Sh::Dash => "dash",
            Sh::Bash => "bash",
            Sh::Busybox => "BusyBox ash",
        }
    }
}

/// Docker official images that are not built on Debian, with the `/bin/sh` each has.
const NOT_DEBIAN: &[(&str, Sh)] = &[
    ("alpine", Sh::Busybox),
    ("busybox", Sh::Busybox),
    ("fedora", Sh::Bash),
    ("centos", Sh::Bash),
    ("rockylinux", Sh::Bash),
    ("almalinux", Sh::Bash),
    ("amazonlinux", Sh::Bash),
    ("oraclelinux", Sh::Bash),
    ("amazoncorretto", Sh::Bash),
    ("archlinux", Sh::Bash),
    ("photon", Sh::Bash),
    ("clearlinux", Sh::Bash),
    ("mageia", Sh::Bash),
];

/// Tag words that name a distribution release: Debian and Ubuntu code names, Alpine.
const TAG_DISTROS: &[(&str, Sh)] = &[
    ("alpine", Sh::Busybox),
    ("trixie", Sh::Dash),
    ("bookworm", Sh::Dash),
    ("bullseye", Sh::Dash),
    ("buster", Sh::Dash),
    ("stretch", Sh::Dash),
    ("sid", Sh::Dash),
    ("noble", Sh::Dash),
    ("jammy", Sh::Dash),
    ("focal", Sh::Dash),
    ("bionic", Sh::Dash),
    ("ubi", Sh::Bash),
];

/// The `/bin/sh` of the image `reference` (build arguments expanded), when known: from a
/// distribution named in its tag, from its name for distribution images of any registry
/// (`debian`, `ubuntu`, `alpine`), or for a Docker official image, Debian unless listed.
pub fn of_image(reference: &str) -> Option<Sh> {
    let image = ImageRef::parse(reference.trim());
    let tag_words = image
        .tag
        .unwrap_or_default()
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(|w| w.trim_end_matches(|c: char| c.is_ascii_digit()));
    if let Some(sh) = tag_words
        .filter_map(|w| TAG_DISTROS.iter().find(|(d, _)| *d == w))
        .map(|(_, sh)| *sh)
        .next()
    {
        return Some(sh);
    }
    let last = image.name.rsplit('/').next().unwrap_or(image.name);
    match last {
        "scratch" => return None,
        "debian" | "ubuntu" => return Some(Sh::Dash),
        "alpine" | "busybox" => return Some(Sh::Busybox),
        _ => {}
    }
    let official = image
        .name
        .strip_prefix("docker.io/")
        .unwrap_or(image.name)
        .strip_prefix("library/")
        .map_or(!image.name.contains('/'), |rest| !rest.contains('/'));
    if !official {
        return None;
    }
    Some(
        NOT_DEBIAN
            .iter()
            .find(|(n, _)| *n == last)
            .map_or(Sh::Dash, |(_, sh)| *sh),
    )
}

/// The family of the shell program `program` (a path or name): `sh` is the image's
/// `/bin/sh` (`image`), others are themselves.
pub fn of_program(program: &str, image: Option<Sh>) -> Option<Sh> {
    match program.rsplit('/').next().unwrap_or(program) {
        "sh" => image,
        "bash" => Some(Sh::Bash),
        "ash" | "busybox" => Some(Sh::Busybox),
        "dash" => Some(Sh::Dash),
        _ => None,
    }
}

/// Words that open or close a compound command; a string holding one is not judged.
const COMPOUND: &[&str] = &[
    "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "{",
    "}", "function",
];

/// Whether `sh` (`None`: unknown) running `commands` as its `-c` string ends up replaced
/// by the last program: `Some(false)` when it surely stays as that program's parent,
/// `Some(true)` when it surely does not, `None` when that cannot be told.
pub fn replaces_itself(sh: Option<Sh>, text: &str, commands: &[Command]) -> Option<bool> {
    let (last, before) = commands.split_last()?;
    let piped = before.last().is_some_and(|c| c.sep == Sep::Pipe);
    if last.sep == Sep::Background || piped {
        return Some(false);
    }
    let compound = text.contains(['(', ')', '`'])
        || commands.iter().any(|c| {
            c.words
                .first()
                .is_some_and(|(w, _)| COMPOUND.contains(&w.as_str()))
        });
    match sh? {
        Sh::Dash => Some(false),
        _ if compound => None,
        Sh::Busybox => Some(true),
        Sh::Bash if commands.len() == 1 => Some(true),
        Sh::Bash => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::shell;

    fn replaces(sh: Option<Sh>, text: &str) -> Option<bool> {
        replaces_itself(sh, text, &shell::commands(text))
    }

    #[test]
    fn image_shells() {
        for (image, sh) in [
            ("alpine:3.22", Some(Sh::Busybox)),
            ("python:3.14.6-alpine", Some(Sh::Busybox)),
            ("rust:alpine3.20", Some(Sh::Busybox)),
            ("docker.io/library/alpine", Some(Sh::Busybox)),
            ("ubuntu:24.04", Some(Sh::Dash)),
            ("redis:3.2.9", Some(Sh::Dash)),
            ("rust:1.93", Some(Sh::Dash)),
            ("node:20-bookworm-slim", Some(Sh::Dash)),
            ("ghcr.io/acme/base:1-bookworm", Some(Sh::Dash)),
            ("public.ecr.aws/debian/debian:12", Some(Sh::Dash)),
            ("fedora:40", Some(Sh::Bash)),
            ("registry.access.redhat.com/ubi9/ubi-minimal", None),
            ("registry.access.redhat.com/ubi9:9.4", None),
            ("grafana/grafana:11.1.4", None),
            ("gcr.io/distroless/cc", None),
            ("scratch", None),
        ] {
            assert_eq!(of_image(image), sh, "{image}");
        }
    }

    #[test]
    fn shell_programs() {
        assert_eq!(of_program("/bin/sh", Some(Sh::Busybox)), Some(Sh::Busybox));
        assert_eq!(of_program("sh", None), None);
        assert_eq!(of_program("/bin/bash", Some(Sh::Busybox)), Some(Sh::Bash));
        assert_eq!(of_program("zsh", Some(Sh::Dash)), None);
    }

    #[test]
    fn who_stays_pid_1() {
        assert_eq!(replaces(Some(Sh::Dash), "/bin/app"), Some(false));
        assert_eq!(replaces(Some(Sh::Busybox), "/bin/app"), Some(true));
        assert_eq!(
            replaces(Some(Sh::Busybox), "update-ca-certificates && app start"),
            Some(true)
        );
        assert_eq!(
            replaces(Some(Sh::Busybox), "app 2>&1 | tee log"),
            Some(false)
        );
        assert_eq!(replaces(Some(Sh::Busybox), "app &"), Some(false));
        assert_eq!(
            replaces(Some(Sh::Busybox), "if [ -f x ]; then app; fi"),
            None
        );
        assert_eq!(replaces(Some(Sh::Bash), "app --port 80"), Some(true));
        assert_eq!(replaces(Some(Sh::Bash), "migrate && app"), None);
        assert_eq!(replaces(None, "app"), None);
        assert_eq!(replaces(None, "app | logger"), Some(false));
    }
}
