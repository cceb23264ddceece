//! Fuzz target: suppression comments in every comment syntax.
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
        lint_one("Dockerfile", &format!("# twelve-lint: {text}\nFROM rust:latest\n"), &settings);
        lint_one("src/lib.rs", &format!("// twelve-lint: {text}\nfn f() {{}}\n"), &settings);
        lint_one("compose.yaml", &format!("services:\n  a:\n    # twelve-lint: {text}\n    image: redis\n"), &settings);
    });
});
