//! TF0205 remote-script-pipe: `curl … | sh` in `RUN` or entrypoint scripts.

use crate::parse::shell;
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
            for inst in df.instructions.iter().filter(|i| i.keyword == "RUN") {
                for script in inst.scripts() {
                    if let Some(r) = shell::remote_script_pipe(script.text) {
                        cx.report(file.loc(script.file_span(r)), MESSAGE, HELP);
                    }
                }
            }
        } else if file.kind == FileKind::Shell
            && let Some(r) = shell::remote_script_pipe(file.text)
        {
            cx.report(
                file.loc(r),
                MESSAGE.replace("build time", "container start"),
                HELP,
            );
        }
    }
}
