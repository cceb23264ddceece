//! Inputs the fuzzers (fuzz/) once crashed on, linted again: the file name's
//! prefix says which kind of file each one is. A panic inside the engine would
//! surface as a TF0005 internal-error finding.

use twelve_lint::engine::config::Settings;
use twelve_lint::engine::lint_one;

#[test]
fn fuzz_crashers_lint_without_internal_errors() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let settings = Settings::default();
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let as_file = match name.split('-').next().unwrap() {
            "dockerfile" => "Dockerfile",
            "yaml" => "compose.yaml",
            "cargo" => "Cargo.toml",
            "rust" => "src/main.rs",
            "env" => ".env",
            "shell" => "entrypoint.sh",
            other => panic!("unknown crasher kind `{other}` in {name}"),
        };
        let found = lint_one(as_file, &text, &settings);
        let internal: Vec<_> = found.iter().filter(|d| d.code == "TF0005").collect();
        assert!(internal.is_empty(), "{name}: {internal:?}");
        seen += 1;
    }
    assert!(seen > 0, "no crashers found");
}
