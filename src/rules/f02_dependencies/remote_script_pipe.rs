//! TF0205 remote-script-pipe: `curl … | sh` in `RUN` or entrypoint scripts, unless the
//! installer is pinned to a version.

use crate::parse::dockerfile::lineage_any;
use crate::parse::shell::{self, InstallerVersion};
use crate::rules::prelude::*;

declare_rule! {
    RemoteScriptPipe {
        code: "TF0205",
        name: "remote-script-pipe",
        factor: 2,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Dockerfile, Shell],
        summary: "`curl … | sh`, `wget -O- … | bash` in `RUN` or entrypoint scripts",
    }
}

const MESSAGE: &str = "runs a script downloaded at build time: an undeclared, unpinned dependency";
const HELP: &str = "download to a file, verify its checksum (or pin a versioned release artifact), then run it; or install a pinned package";

impl Check for RemoteScriptPipe {
    fn check_file(&self, file: &SourceFile<'_>, cx: &mut Ctx<'_>) {
        if let Some(df) = file.dockerfile() {
            let stages = df.stages();
            // rustup installs the toolchain a `rust-toolchain.toml` names where cargo
            // runs: in a stage, or a stage built on it, that copies one in.
            let toolchain_copied = lineage_any(&stages, |s| s.copies_rust_toolchain_file());
            for (stage, copied) in stages.iter().zip(toolchain_copied) {
                for inst in stage.body.iter().filter(|i| i.keyword == "RUN") {
                    for script in inst.scripts() {
                        let Some(r) = shell::remote_script_pipe_of(script.commands) else {
                            continue;
                        };
                        let version = shell::installer_version(&script.text[r.clone()]);
                        if version == InstallerVersion::Pinned {
                            continue;
                        }
                        let diag = cx.report(file.loc(script.file_span(r)), MESSAGE, HELP);
                        if version == InstallerVersion::RustupDefault && copied {
                            diag.unless_toolchain_pinned();
                        }
                    }
                }
            }
        } else if file.kind == FileKind::Shell
            && let Some(r) = shell::remote_script_pipe(file.text)
            && shell::installer_version(&file.text[r.clone()]) != InstallerVersion::Pinned
        {
            cx.report(
                file.loc(r),
                MESSAGE.replace("build time", "container start"),
                HELP,
            );
        }
    }
}
