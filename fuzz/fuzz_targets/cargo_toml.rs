//! Fuzz target: the Cargo.toml view and every manifest rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "worker.rs"]
mod worker;

fuzz_target!(|data: &[u8]| {
    worker::lint(data, |text| vec![("Cargo.toml", text.to_string())]);
});
