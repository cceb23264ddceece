//! Fuzz target: the Dockerfile tokenizer and every Dockerfile rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "worker.rs"]
mod worker;

fuzz_target!(|data: &[u8]| {
    worker::lint(data, |text| vec![("Dockerfile", text.to_string())]);
});
