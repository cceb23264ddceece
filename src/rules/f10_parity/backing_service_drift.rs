//! TF1002 backing-service-drift: development and production run different backing services.

use std::collections::HashMap;

use crate::model::project::{ContainerFacts, Project};
use crate::model::role::{self, Role};
use crate::parse::image::ImageRef;
use crate::rules::prelude::*;

declare_rule! {
    BackingServiceDrift {
        code: "TF1002",
        name: "backing-service-drift",
        factor: 10,
        severity: Warning,
        stability: Preview,
        since: "0.1.0",
        kinds: [Yaml, Env],
        summary: "the same backing service runs different images or major versions in development (compose, `.env`) and production (Kubernetes, production compose), or dev substitutes SQLite for a server database",
        scope: AllFiles,
    }
}

/// Which side of the parity gap a container is on, `Some(true)` production, as the
/// deployment model says: development and CI files are development's side; test setups
/// (which may run an older or newer version on purpose, to test against it), examples,
/// docs, archived and vendored material are neither; of the production files,
/// Kubernetes manifests and compose files named for production
/// (`docker-compose.prod.yml`) are production's, and a plain compose file is the local
/// stack compared with them.
fn is_prod(project: &Project, c: &ContainerFacts) -> Option<bool> {
    match project.role_of(&c.path).unwrap_or(Role::Production) {
        Role::Production => {}
        Role::Development | Role::Ci => return Some(false),
        _ => return None,
    }
    let compose = c
        .path
        .rsplit('/')
        .next()
        .is_some_and(|n| n.contains("compose"));
    if c.kubernetes || role::names_production(&c.path) {
        Some(true)
    } else {
        compose.then_some(false)
    }
}

/// The leading number of an image tag (`16.2-alpine` → 16, `v2` → 2).
fn major(tag: &str) -> Option<u32> {
    let digits: String = tag
        .trim_start_matches('v')
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok()
}

/// The database family of a connection URL's scheme.
fn url_family(value: &str) -> Option<&'static str> {
    let scheme = value.split(':').next()?.to_ascii_lowercase();
    let scheme = scheme.split('+').next()?;
    Some(match scheme {
        "postgres" | "postgresql" => "Postgres",
        "mysql" | "mariadb" => "MySQL",
        "sqlite" => "SQLite",
        "mongodb" => "MongoDB",
        "redis" | "rediss" => "Redis",
        _ => return None,
    })
}

impl Check for BackingServiceDrift {
    fn check_project(&self, project: &Project, cx: &mut Ctx<'_>) {
        let (prod, dev): (Vec<&ContainerFacts>, Vec<&ContainerFacts>) = project
            .containers
            .iter()
            .filter(|c| is_prod(project, c).is_some())
            .partition(|c| is_prod(project, c) == Some(true));
        images(&dev, &prod, cx);
        urls(project, &dev, &prod, cx);
    }
}

/// The same service from different images or major versions.
fn images(dev: &[&ContainerFacts], prod: &[&ContainerFacts], cx: &mut Ctx<'_>) {
    let mut prod_by_service: HashMap<&str, Vec<(ImageRef<'_>, &ContainerFacts)>> = HashMap::new();
    for p in prod {
        if let Some(image) = p.image.as_deref() {
            let r = ImageRef::parse(image);
            if let Some(service) = r.backing_service() {
                prod_by_service.entry(service).or_default().push((r, p));
            }
        }
    }
    for d in dev {
        let (Some(d_image), Some(d_loc)) = (d.image.as_deref(), d.image_location.as_ref()) else {
            continue;
        };
        let d_ref = ImageRef::parse(d_image);
        let Some(service) = d_ref.backing_service().filter(|s| *s != "emulator") else {
            continue;
        };
        let candidates = prod_by_service.get(service).map_or(&[][..], Vec::as_slice);
        let drift = candidates.iter().find_map(|(p_ref, p)| {
            let p_image = p.image.as_deref()?;
            let why = if p_ref.base_name() != d_ref.base_name() {
                format!("a different image (`{p_image}`)")
            } else {
                let (a, b) = (major(d_ref.tag?)?, major(p_ref.tag?)?);
                if a == b {
                    return None;
                }
                format!("major version {b} (`{p_image}`)")
            };
            Some((why, *p))
        });
        if let Some((why, p)) = drift {
            let at = p
                .image_location
                .clone()
                .unwrap_or_else(|| p.location.clone());
            cx.report(
                d_loc.clone(),
                format!(
                    "development runs {service} as `{d_image}` but production ({}) runs {why}: behaviour, features and bugs differ between the two",
                    p.path
                ),
                "use the same image and major version in development as in production; bump both together",
            )
            .with_related(at, "production image");
        }
    }
}

/// A connection URL whose database family differs between dev and production.
fn urls(project: &Project, dev: &[&ContainerFacts], prod: &[&ContainerFacts], cx: &mut Ctx<'_>) {
    let mut dev_values: Vec<(&str, &str, Location)> = Vec::new();
    for d in dev {
        for (k, v) in &d.env {
            dev_values.push((k, v, d.location.clone()));
        }
    }
    // Env files of examples and templates (`.env.example`, `.env.dist`) set up nothing.
    for e in project.env_files.iter().filter(|e| {
        matches!(
            project.role_of(&e.path).unwrap_or(Role::Production),
            Role::Production | Role::Development | Role::Ci | Role::Test
        )
    }) {
        for (k, v, loc) in &e.values {
            dev_values.push((k, v, loc.clone()));
        }
    }
    let mut prod_urls: HashMap<&str, Vec<(&'static str, &ContainerFacts)>> = HashMap::new();
    for p in prod {
        for (k, v) in &p.env {
            if let Some(f) = url_family(v) {
                prod_urls.entry(k.as_str()).or_default().push((f, p));
            }
        }
    }
    for (key, value, loc) in dev_values {
        let Some(family) = url_family(value) else {
            continue;
        };
        let other = prod_urls
            .get(key)
            .and_then(|v| v.iter().find(|(pf, _)| *pf != family));
        if let Some(&(pf, p)) = other {
            cx.report(
                loc,
                format!("`{key}` points development at {family} but production ({}) at {pf}: queries, types and locking behave differently", p.path),
                format!("run {pf} locally too (a docker compose service) so dev exercises the same backing service"),
            )
            .with_related(p.location.clone(), "production setting");
        }
    }
}
