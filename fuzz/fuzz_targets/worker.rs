//! Shared by the fuzz targets: lint inputs as files of given names, on a
//! thread with the stack twelve-lint's workers get (`RUST_MIN_STACK` in
//! `src/main.rs`), so the harness sees what the tool sees.

use twelve_lint::engine::config::Settings;
use twelve_lint::engine::lint_one;

/// Lint the files `files` makes of the input (name, text), when it is UTF-8.
/// Panics propagate, so libFuzzer reports them.
pub fn lint(data: &[u8], files: impl FnOnce(&str) -> Vec<(&'static str, String)> + Send) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    std::thread::scope(|s| {
        let handle = std::thread::Builder::new()
            .stack_size(64 << 20)
            .spawn_scoped(s, || {
                let settings = Settings::default();
                for (name, text) in files(text) {
                    lint_one(name, &text, &settings);
                }
            })
            .expect("spawn worker");
        if let Err(panic) = handle.join() {
            std::panic::resume_unwind(panic);
        }
    });
}
