//! A hostile repository: every kind of unlintable file beside normal ones.
//! twelve-lint must not crash or hang, must report each unlintable file once
//! with a reason, and must still lint the normal files.

mod common;

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{PermissionsExt, symlink};
use std::path::Path;
use std::time::{Duration, Instant};

use common::{run, twelve_lint_preview};

fn write(root: &Path, rel: impl AsRef<Path>, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn build(root: &Path) {
    // Normal files: these must still be linted.
    write(
        root,
        "normal/Dockerfile",
        b"FROM rust:latest\nCMD [\"/app\"]\n",
    );
    write(
        root,
        "normal/docker-compose.prod.yml",
        b"services:\n  db:\n    image: postgres\n",
    );
    // Undecodable files.
    write(
        root,
        "binary/Dockerfile",
        b"FROM \x00\x01\x02\xff\xfe binary",
    );
    write(root, "invalid/bad.yaml", b"key: \xff\xfe\xfd value\n");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("fn main() {}\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    write(root, "utf16/src/main.rs", &utf16);
    // Encodings and line endings that are fine.
    write(
        root,
        "bom/Dockerfile",
        "\u{feff}FROM rust:1.82\n".as_bytes(),
    );
    write(
        root,
        "crlf/compose.yaml",
        b"services:\r\n  db:\r\n    image: postgres:16\r\n",
    );
    write(root, "cr/Dockerfile", b"FROM rust:1.82\rRUN echo hi\r");
    // Huge inputs.
    write(root, "huge/big.rs", &vec![b'/'; 50 * 1024 * 1024]);
    let long: String = (0..100_000)
        .map(|i| format!("key{i}: value{i}\n"))
        .collect();
    write(root, "long/long.yaml", long.as_bytes());
    let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    write(root, "deep/flow.yaml", deep.as_bytes());
    let block: String = (0..10_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    write(root, "deep/block.yaml", block.as_bytes());
    write(root, "deep/inline-seq.yaml", "- ".repeat(50_000).as_bytes());
    write(root, "deep/keys.yaml", "? ".repeat(50_000).as_bytes());
    let mut bomb = String::from(
        "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
    );
    for i in 0..9u8 {
        let (prev, next) = ((b'a' + i) as char, (b'b' + i) as char);
        bomb.push_str(&format!("{next}: &{next} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
    }
    write(root, "bomb/billion-laughs.yaml", bomb.as_bytes());
    let nested = format!("fn main() {}{}\n", "{".repeat(10_000), "}".repeat(10_000));
    write(root, "nested/src/main.rs", nested.as_bytes());
    // Recursion without brackets: prefix operators, generics, assignment chains.
    let nots = format!("fn f() {{ let x = {}y; }}\n", "!".repeat(1_000_000));
    write(root, "chained/src/not.rs", nots.as_bytes());
    let generics = format!(
        "type T = {}u8{};\n",
        "Vec<".repeat(100_000),
        ">".repeat(100_000)
    );
    write(root, "chained/src/generic.rs", generics.as_bytes());
    // `rolling` admits a rule (TF1101) to the syntax tree (its declared prefilter).
    let assigns = format!(
        "use tracing_appender::rolling;\nfn f() {{ {}1; }}\n",
        "a = ".repeat(1_900)
    );
    write(root, "chained/src/assign.rs", assigns.as_bytes());
    let else_ifs = format!(
        "use tracing_appender::rolling;\nfn f() {{ if a() {{ x() }}{} }}\n",
        " else if a() { x() }".repeat(50_000)
    );
    write(root, "chained/src/else_if.rs", else_ifs.as_bytes());
    let generated = format!(
        "use tracing_appender::rolling;\n{}",
        "static A: u8 = 1;\n".repeat(120_000)
    );
    write(root, "gen/src/tables.rs", generated.as_bytes());
    // Links and special files.
    std::fs::create_dir_all(root.join("links")).unwrap();
    symlink("loop", root.join("links/loop")).unwrap();
    symlink("b", root.join("links/a")).unwrap();
    symlink("a", root.join("links/b")).unwrap();
    symlink("/etc/hostname", root.join("links/outside.yaml")).unwrap();
    symlink("..", root.join("links/parent")).unwrap();
    write(root, "links/real/compose.yaml", b"services: {}\n");
    symlink("real/./compose.yaml", root.join("links/in-repo.yaml")).unwrap();
    symlink(
        "parent/links/real/compose.yaml",
        root.join("links/via-link.yaml"),
    )
    .unwrap();
    symlink("../../escape.yaml", root.join("links/escape.yaml")).unwrap();
    write(root, "locked/Dockerfile", b"FROM rust:latest\n");
    std::fs::set_permissions(
        root.join("locked/Dockerfile"),
        PermissionsExt::from_mode(0o000),
    )
    .unwrap();
    write(root, "lockeddir/inner/Dockerfile", b"FROM rust:latest\n");
    std::fs::set_permissions(
        root.join("lockeddir/inner"),
        PermissionsExt::from_mode(0o000),
    )
    .unwrap();
    let fifo = root.join("fifo/docker-compose.yml");
    std::fs::create_dir_all(fifo.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo");
    // Odd names.
    write(root, "with space/Dockerfile", b"FROM rust:1.82\n");
    write(root, "new\nline/Dockerfile", b"FROM rust:1.82\n");
    let odd = std::ffi::OsStr::from_bytes(b"odd\xffname");
    write(root, Path::new(odd).join("Dockerfile"), b"FROM rust:1.82\n");
    write(root, "escape\x1b[31m/Dockerfile", b"FROM rust:1.82\n");
    // Empty files of every kind.
    for rel in [
        "empty/Dockerfile",
        "empty/Cargo.toml",
        "empty/src/lib.rs",
        "empty/compose.yaml",
        "empty/.env",
        "empty/entrypoint.sh",
        "empty/twelve-lint.toml",
    ] {
        write(root, rel, b"");
    }
}

#[test]
fn hostile_repository() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    build(root);
    let started = Instant::now();
    let mut cmd = twelve_lint_preview(root);
    cmd.args(["--isolated", "--format", "json", "."]);
    let (status, stdout, stderr) = run(&mut cmd);
    let elapsed = started.elapsed();
    // Let the tempdir be removed.
    let _ = std::fs::set_permissions(
        root.join("lockeddir/inner"),
        PermissionsExt::from_mode(0o755),
    );

    assert!(status == 0 || status == 1, "exit {status}\n{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(elapsed < Duration::from_secs(60), "took {elapsed:?}");
    assert!(!stdout.contains('\x1b'), "raw escape in output");
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("valid JSON");
    let diags = report["diagnostics"].as_array().expect("diagnostics");
    let at = |path: &str, code: &str| {
        diags
            .iter()
            .filter(|d| d["code"] == code && d["path"] == path)
            .count()
    };
    // Normal files are linted beside the hostile ones.
    assert_eq!(at("normal/Dockerfile", "TF0201"), 1, "{stdout}");
    assert_eq!(
        at("normal/docker-compose.prod.yml", "TF0502"),
        1,
        "{stdout}"
    );
    // Each unlintable file is reported once, with its reason.
    for path in [
        "binary/Dockerfile",
        "invalid/bad.yaml",
        "utf16/src/main.rs",
        "huge/big.rs",
        "fifo/docker-compose.yml",
        "links/outside.yaml",
        "links/via-link.yaml",
        "links/escape.yaml",
    ] {
        assert_eq!(
            at(path, "TF0004"),
            1,
            "{path} not reported once as skipped:\n{stdout}"
        );
    }
    // A link to a file of the repository adds nothing: the file is linted where it is.
    assert_eq!(at("links/in-repo.yaml", "TF0004"), 0, "{stdout}");
    // Too deep to parse safely: a parse error, not a stack overflow.
    for path in [
        "deep/flow.yaml",
        "deep/block.yaml",
        "deep/inline-seq.yaml",
        "deep/keys.yaml",
        "nested/src/main.rs",
        "chained/src/not.rs",
        "chained/src/generic.rs",
        "gen/src/tables.rs",
    ] {
        let reported = at(path, "TF0001") + at(path, "TF0004");
        assert_eq!(reported, 1, "{path}:\n{stdout}");
    }
    // Long but parseable chains are linted, within the worker's stack.
    assert_eq!(at("chained/src/assign.rs", "TF0001"), 0, "{stdout}");
    assert_eq!(at("chained/src/else_if.rs", "TF0001"), 0, "{stdout}");
    // Files a root user can still read are linted; otherwise they are reported.
    let locked = at("locked/Dockerfile", "TF0201") + at("locked/Dockerfile", "TF0004");
    assert_eq!(locked, 1, "{stdout}");
}
