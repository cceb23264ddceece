//! Fuzz target: syn parsing, run-time facts and every Rust rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "worker.rs"]
mod worker;

fuzz_target!(|data: &[u8]| {
    worker::lint(data, |text| vec![("src/main.rs", text.to_string())]);
});
