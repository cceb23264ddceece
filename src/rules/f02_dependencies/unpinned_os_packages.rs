//! TF0206 unpinned-os-packages: OS packages installed without a version from a package
//! source that moves across releases (Alpine edge, Debian sid, Fedora rawhide).

use std::ops::Range;
use std::rc::Rc;

use crate::parse::image::{DEBIAN_ROLLING_SUITES, ImageRef};
use crate::parse::shell::{self, Command, Install, flag_uses};
use crate::rules::prelude::*;

declare_rule! {
    UnpinnedOsPackages {
        code: "TF0206",
        name: "unpinned-os-packages",
        factor: 2,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile],
        summary: "OS packages installed without versions from a rolling source (Alpine edge, Debian sid, Fedora rawhide)",
    }
}

/// A package source that moves across releases: what it is, for the message, and where
/// the Dockerfile chose it.
struct Source {
    what: String,
    at: Range<usize>,
}

/// How many tagged Alpine repositories a stage keeps, the latest: a real image has a few,
/// and a bound keeps handing them to each stage built on it cheap.
const MAX_APK_TAGS: usize = 16;

/// The rolling package sources in effect in a stage. A stage built `FROM` an earlier one
/// starts with that one's (shared, not copied).
#[derive(Clone, Default)]
struct Sources {
    /// The stage's OS itself (`FROM alpine:edge`): every install follows it.
    base: Option<Rc<Source>>,
    /// An apt source of a rolling suite (`deb http://deb.debian.org/debian sid main`): apt
    /// takes the newest version any source offers.
    apt: Option<Rc<Source>>,
    /// An untagged Alpine edge repository in `/etc/apk/repositories`: apk takes the newest.
    apk: Option<Rc<Source>>,
    /// Tagged Alpine edge repositories (`@edge http://…/edge/main`), which serve only
    /// packages asked for with the tag (`curl@edge`); a later definition of a tag wins.
    apk_tags: Vec<(Rc<str>, Rc<Source>)>,
}

impl Check for UnpinnedOsPackages {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(df) = file.dockerfile() else { return };
        let stages = df.stages();
        let bases = df.bases(&stages);
        let mut ends: Vec<Sources> = Vec::with_capacity(stages.len());
        for (stage, base) in stages.iter().zip(bases) {
            let mut sources = match base {
                Some(b) => ends[*b].clone(),
                None => Sources {
                    base: stage
                        .image()
                        .filter(|w| ImageRef::parse(&w.value).has_rolling_packages())
                        .map(|w| {
                            Rc::new(Source {
                                what: format!("the base image `{}`", w.value),
                                at: w.span,
                            })
                        }),
                    ..Sources::default()
                },
            };
            for inst in stage.body.iter().filter(|i| i.keyword == "RUN") {
                for script in inst.scripts() {
                    for cmd in script.commands {
                        let at = |r: Range<usize>| script.file_span(r);
                        if let Some((packages, source, first)) = sources.rolling_installs(cmd, &at)
                        {
                            let manager = packages[0].manager;
                            let program = cmd.program().map_or(manager, |(_, p)| p);
                            let names: Vec<&str> =
                                packages.iter().map(|i| i.package.as_str()).collect();
                            let report = cx.report(
                                file.loc(first),
                                format!(
                                    "`{program}` installs {} package(s) without a version from {}, which moves across releases: {}",
                                    names.len(),
                                    source.what,
                                    names.join(", ")
                                ),
                                format!(
                                    "install from the release the base image follows (`alpine/v3.20`, `bookworm`), or pin each version (`{}`)",
                                    pin_example(manager, names[0])
                                ),
                            );
                            let own = cmd
                                .span()
                                .is_some_and(|span| at(span).contains(&source.at.start));
                            if !own {
                                report.with_related(
                                    file.loc(source.at.clone()),
                                    "the rolling source is chosen here",
                                );
                            }
                        }
                        sources.learn(cmd, &at);
                    }
                }
            }
            ends.push(sources);
        }
    }
}

impl Sources {
    /// The packages `cmd` installs without a version from a rolling source, that source
    /// (the first found) and the file span of the first such package; `at` turns the
    /// script's spans into the file's.
    fn rolling_installs(
        &self,
        cmd: &Command,
        at: &dyn Fn(Range<usize>) -> Range<usize>,
    ) -> Option<(Vec<Install>, Rc<Source>, Range<usize>)> {
        let unpinned: Vec<Install> = shell::installs_of(std::slice::from_ref(cmd))
            .into_iter()
            .filter(|i| !i.pinned)
            .collect();
        let manager = unpinned.first()?.manager;
        let own = command_source(cmd, manager, at);
        let mut found: Option<Rc<Source>> = None;
        let mut packages = Vec::new();
        for install in unpinned {
            let tagged = install
                .package
                .split_once('@')
                .and_then(|(_, tag)| self.apk_tags.iter().rev().find(|(t, _)| &**t == tag))
                .map(|(_, s)| s.clone())
                .filter(|_| manager == "apk");
            let shared = match manager {
                "apt" => self.apt.clone(),
                "apk" => self.apk.clone(),
                _ => None,
            };
            if let Some(source) = own
                .clone()
                .or(tagged)
                .or(shared)
                .or_else(|| self.base.clone())
            {
                found.get_or_insert(source);
                packages.push(install);
            }
        }
        let first = at(packages.first()?.span.clone());
        Some((packages, found?, first))
    }

    /// Remember the rolling sources `cmd` adds for the commands after it: an apt source
    /// line of a rolling suite written to `/etc/apt/sources.list*` (or given to
    /// `add-apt-repository`), and Alpine edge repositories written to
    /// `/etc/apk/repositories`.
    fn learn(&mut self, cmd: &Command, at: &dyn Fn(Range<usize>) -> Range<usize>) {
        let writes = |target: &str| cmd.words.iter().any(|(w, _)| w.contains(target));
        let located = |what: String, k: usize| {
            Rc::new(Source {
                what,
                at: at(cmd.words[k].1.clone()),
            })
        };
        let apt_tool = cmd
            .program()
            .is_some_and(|(_, p)| p == "add-apt-repository");
        if writes("/etc/apt/sources.list") || apt_tool {
            for (k, (w, _)) in cmd.words.iter().enumerate() {
                if let Some(suite) = deb_suite(w) {
                    self.apt = Some(located(format!("the Debian `{suite}` apt source"), k));
                }
            }
        }
        if writes("/etc/apk/repositories") {
            for (k, (w, _)) in cmd.words.iter().enumerate() {
                let tokens: Vec<&str> = w.split_whitespace().collect();
                for (j, url) in tokens.iter().enumerate() {
                    if !is_edge_url(url) {
                        continue;
                    }
                    let tag = j
                        .checked_sub(1)
                        .map(|p| tokens[p])
                        .or_else(|| k.checked_sub(1).map(|p| cmd.words[p].0.as_str()))
                        .and_then(|t| t.strip_prefix('@'));
                    let source = located(format!("the Alpine edge repository `{url}`"), k);
                    match tag {
                        Some(tag) => {
                            if self.apk_tags.len() == MAX_APK_TAGS {
                                self.apk_tags.remove(0);
                            }
                            self.apk_tags.push((tag.into(), source));
                        }
                        None => self.apk = Some(source),
                    }
                }
            }
        }
    }
}

/// The rolling source an install command names itself: apt's `-t sid` (also
/// `--target-release`, `-o APT::Default-Release=sid`), apk's `--repository …/edge/…`
/// (also `-X`).
fn command_source(
    cmd: &Command,
    manager: &str,
    at: &dyn Fn(Range<usize>) -> Range<usize>,
) -> Option<Rc<Source>> {
    let words: Vec<&str> = cmd.words.iter().map(|(w, _)| w.as_str()).collect();
    let flags: &[&str] = match manager {
        "apt" => &["-t", "--target-release", "-o"],
        "apk" => &["-X", "--repository"],
        _ => return None,
    };
    flag_uses(&words, flags).find_map(|(k, flag, value)| {
        let what = match flag {
            "-t" | "--target-release" if is_rolling_suite(value) => format!("Debian `{value}`"),
            "-o" => {
                let suite = value
                    .strip_prefix("APT::Default-Release=")
                    .filter(|s| is_rolling_suite(s))?;
                format!("Debian `{suite}`")
            }
            "-X" | "--repository" if is_edge_url(value) => {
                format!("the Alpine edge repository `{value}`")
            }
            _ => return None,
        };
        Some(Rc::new(Source {
            what,
            at: at(cmd.words[k].1.clone()),
        }))
    })
}

/// The suite of an apt source line held in `text` (`deb [signed-by=…] URL sid main`), when
/// it is a rolling one.
fn deb_suite(text: &str) -> Option<&str> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let mut k = 0;
    while k < tokens.len() {
        if tokens[k] == "deb" {
            let mut url = k + 1;
            if tokens.get(url).is_some_and(|t| t.starts_with('[')) {
                while url < tokens.len() && !tokens[url].ends_with(']') {
                    url += 1;
                }
                url += 1;
            }
            if let Some(suite) = tokens.get(url + 1).filter(|s| is_rolling_suite(s)) {
                return Some(suite);
            }
        }
        k += 1;
    }
    None
}

fn is_rolling_suite(suite: &str) -> bool {
    DEBIAN_ROLLING_SUITES.contains(&suite.to_ascii_lowercase().as_str())
}

/// True for an Alpine repository URL on the edge branch (`…/alpine/edge/community`).
fn is_edge_url(url: &str) -> bool {
    url.contains("://") && (url.contains("/edge/") || url.ends_with("/edge"))
}

/// How `manager` pins a version of `package`, for the fix hint.
fn pin_example(manager: &str, package: &str) -> String {
    match manager {
        "apt" | "apk" => format!("{package}=<version>"),
        _ => format!("{package}-<version>"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rolling_apt_suites_are_read_from_source_lines() {
        assert_eq!(
            deb_suite("deb [signed-by=/k.gpg arch=amd64] http://deb.debian.org/debian sid main"),
            Some("sid")
        );
        assert_eq!(
            deb_suite("deb http://deb.debian.org/debian unstable main"),
            Some("unstable")
        );
        assert_eq!(
            deb_suite("deb http://deb.debian.org/debian bookworm-backports main"),
            None
        );
        assert_eq!(
            deb_suite("deb https://download.docker.com/linux/debian trixie stable"),
            None
        );
    }

    #[test]
    fn edge_urls_are_alpine_repository_urls() {
        assert!(is_edge_url(
            "http://dl-cdn.alpinelinux.org/alpine/edge/community"
        ));
        assert!(!is_edge_url(
            "http://dl-cdn.alpinelinux.org/alpine/v3.20/main"
        ));
        assert!(!is_edge_url("/etc/edge/x"));
    }
}
