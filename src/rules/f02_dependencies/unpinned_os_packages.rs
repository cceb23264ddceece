//! TF0206 unpinned-os-packages: `apt-get install` / `apk add` / `yum install` without versions.

use crate::parse::shell;
use crate::rules::prelude::*;

declare_rule! {
    UnpinnedOsPackages {
        code: "TF0206",
        name: "unpinned-os-packages",
        factor: 2,
        severity: Note,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile],
        summary: "`apt-get install` / `apk add` / `yum install` without version pins",
    }
}

impl Check for UnpinnedOsPackages {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        let Some(df) = file.dockerfile() else { return };
        for inst in df.instructions.iter().filter(|i| i.keyword == "RUN") {
            for script in inst.scripts() {
                let unpinned: Vec<shell::Install> = shell::installs(script.text)
                    .into_iter()
                    .filter(|i| !i.pinned)
                    .collect();
                let Some(first) = unpinned.first() else {
                    continue;
                };
                let names: Vec<&str> = unpinned.iter().map(|i| i.package.as_str()).collect();
                let example = match first.manager {
                    "apt" => format!("{}=<version>", first.package),
                    "apk" => format!("{}~=<version>", first.package),
                    _ => format!("{}-<version>", first.package),
                };
                cx.report(
                    file.loc(script.file_span(first.span.clone())),
                    format!("{} installs {} package(s) without a version: {}", first.manager, names.len(), names.join(", ")),
                    format!("pin versions (e.g. `{example}`) or rely on a pinned base image digest and accept the drift knowingly"),
                );
            }
        }
    }
}
