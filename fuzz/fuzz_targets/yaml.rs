//! Fuzz target: YAML parsing, compose/Kubernetes classification and every YAML rule.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "worker.rs"]
mod worker;

fuzz_target!(|data: &[u8]| {
    worker::lint(data, |text| {
        ["docker-compose.yml", "k8s/deploy.yaml", "log4rs.yaml"]
            .map(|n| (n, text.to_string()))
            .to_vec()
    });
});
