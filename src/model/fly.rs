//! Fly.io app configs (`fly.toml`, `fly.production.toml`): the image an app deploys and
//! the signal Fly stops its machines with (`kill_signal`, SIGINT unless set).

use toml::de::{DeTable, DeValue};

/// The signal Fly sends when `kill_signal` is not set.
const DEFAULT_KILL_SIGNAL: &str = "SIGINT";

/// One Fly app config.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlyApp {
    /// The config's root-relative path.
    pub path: String,
    /// The signal that stops the app's machines, upper-case (`SIGINT`).
    pub kill_signal: String,
    /// The Dockerfile it builds, root-relative (`[build] dockerfile`, else `Dockerfile`
    /// beside the config); `None` when it deploys a prebuilt `[build] image`.
    pub dockerfile: Option<String>,
}

/// True for the file names flyctl reads: `fly.toml` and `fly.<name>.toml`.
pub fn is_config(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.strip_prefix("fly.")
        .and_then(|rest| rest.strip_suffix("toml"))
        .is_some_and(|middle| middle.is_empty() || middle.ends_with('.'))
}

/// The app a Fly config at `path` declares.
pub fn app(path: &str, table: &DeTable<'_>) -> FlyApp {
    let text = |t: &DeTable<'_>, key: &str| match t.get(key).map(|v| v.get_ref()) {
        Some(DeValue::String(s)) => Some(s.to_string()),
        _ => None,
    };
    let build = match table.get("build").map(|v| v.get_ref()) {
        Some(DeValue::Table(t)) => Some(t),
        _ => None,
    };
    let dir = path.rsplit_once('/').map_or("", |(d, _)| d);
    let image = build.and_then(|b| text(b, "image"));
    let dockerfile = image.is_none().then(|| {
        let name = build
            .and_then(|b| text(b, "dockerfile"))
            .unwrap_or_else(|| "Dockerfile".to_string());
        let name = name.trim_start_matches("./");
        if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        }
    });
    FlyApp {
        path: path.to_string(),
        kill_signal: text(table, "kill_signal")
            .map_or(DEFAULT_KILL_SIGNAL.to_string(), |s| s.to_ascii_uppercase()),
        dockerfile,
    }
}

/// True when `signal` (as a Dockerfile `STOPSIGNAL` or Fly `kill_signal` writes it) is
/// SIGINT: `SIGINT`, `INT` or `2`.
pub fn is_sigint(signal: &str) -> bool {
    matches!(
        signal.trim().to_ascii_uppercase().as_str(),
        "SIGINT" | "INT" | "2"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, src: &str) -> FlyApp {
        let table = toml::de::DeTable::parse(src).expect("parses");
        app(path, table.get_ref())
    }

    #[test]
    fn config_names() {
        assert!(is_config("fly.toml"));
        assert!(is_config("api/fly.production.toml"));
        assert!(!is_config("butterfly.toml"));
        assert!(!is_config("fly.tomlx"));
        assert!(!is_config("flyio.toml"));
    }

    #[test]
    fn dockerfile_and_signal() {
        let a = read(
            "api/fly.toml",
            "app = \"api\"\n[http_service]\ninternal_port = 3000\n",
        );
        assert_eq!(a.dockerfile.as_deref(), Some("api/Dockerfile"));
        assert_eq!(a.kill_signal, "SIGINT");
        let b = read(
            "fly.toml",
            "kill_signal = \"sigterm\"\n[build]\ndockerfile = \"./docker/Dockerfile.api\"\n",
        );
        assert_eq!(b.dockerfile.as_deref(), Some("docker/Dockerfile.api"));
        assert_eq!(b.kill_signal, "SIGTERM");
        let c = read("ci/fly.toml", "[build]\nimage = \"ghcr.io/x/app:latest\"\n");
        assert_eq!(c.dockerfile, None);
        assert!(is_sigint("INT") && is_sigint("2") && !is_sigint("SIGTERM"));
    }
}
