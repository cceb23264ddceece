//! Fuzz target: the twelve-lint.toml reader.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = twelve_lint::engine::config::parse("twelve-lint.toml", text);
});
