//! Fuzz target: the dotenv parser and env-file rules, and entrypoint scripts.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "worker.rs"]
mod worker;

fuzz_target!(|data: &[u8]| {
    worker::lint(data, |text| {
        vec![
            (".env", text.to_string()),
            ("entrypoint.sh", text.to_string()),
        ]
    });
});
