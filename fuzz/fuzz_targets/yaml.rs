//! Fuzz target: YAML parsing, compose/Kubernetes classification and every YAML rule.
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
        for name in ["docker-compose.yml", "k8s/deploy.yaml", "log4rs.yaml"] {
            lint_one(name, text, &settings);
        }
    });
});
