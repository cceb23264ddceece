//! Fuzz target: syn parsing, run-time facts and every Rust rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "worker.rs"]
mod worker;
use twelve_lint::config::Settings;
use twelve_lint::engine::lint_one;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    worker::on_worker_stack(|| {
        let settings = Settings::default();
        lint_one("src/main.rs", text, &settings);
    });
});
