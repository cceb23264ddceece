//! Fuzz target: suppression comments in every comment syntax.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "worker.rs"]
mod worker;

fuzz_target!(|data: &[u8]| {
    worker::lint(data, |text| {
        vec![
            (
                "Dockerfile",
                format!("# twelve-lint: {text}\nFROM rust:latest\n"),
            ),
            (
                "src/lib.rs",
                format!("// twelve-lint: {text}\nfn f() {{}}\n"),
            ),
            (
                "compose.yaml",
                format!("services:\n  a:\n    # twelve-lint: {text}\n    image: redis\n"),
            ),
        ]
    });
});
