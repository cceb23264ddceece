#!/usr/bin/env python3
"""Generate a deterministic synthetic monorepo for the benchmark.

usage: gen.py FILES DIR

About 70% of the files are Rust (crates with Cargo.toml, main/lib and modules),
the rest Dockerfiles, compose files, multi-document Kubernetes manifests, .env
files and shell scripts. Each crate also gets a git-ignored target/ directory of
noise (about 20% extra files) that a linter must skip. The tree is a git work
tree (git init, nothing committed) so .gitignore applies.
"""
import os
import random
import subprocess
import sys

RUST_MAIN = """use std::net::SocketAddr;

mod routes;
{mods}

#[tokio::main]
async fn main() -> anyhow::Result<()> {{
    tracing_subscriber::fmt().json().init();
    let addr: SocketAddr = std::env::var("LISTEN_ADDR")
        .unwrap_or_else(|_| "0.0.0.0:{port}".into())
        .parse()?;
    let pool = sqlx::PgPool::connect(&std::env::var("DATABASE_URL")?).await?;
    let app = routes::router(pool);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown())
        .await?;
    Ok(())
}}

async fn shutdown() {{
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        .expect("SIGTERM handler");
    tokio::select! {{
        _ = tokio::signal::ctrl_c() => {{}},
        _ = term.recv() => {{}},
    }}
}}
"""

RUST_ROUTES = """use axum::{{extract::State, routing::{{get, post}}, Json, Router}};
use serde::{{Deserialize, Serialize}};
use sqlx::PgPool;

pub fn router(pool: PgPool) -> Router {{
    Router::new()
        .route("/health", get(|| async {{ "ok" }}))
{routes}        .with_state(pool)
}}
"""

RUST_MODULE = """//! Module {name}: domain logic for {name}.

use serde::{{Deserialize, Serialize}};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct {ty} {{
    pub id: i64,
    pub name: String,
    pub tags: Vec<String>,
    pub score: f64,
}}

impl {ty} {{
    pub fn new(id: i64, name: &str) -> Self {{
        Self {{ id, name: name.to_string(), tags: Vec::new(), score: 0.0 }}
    }}

    pub fn tagged(mut self, tag: &str) -> Self {{
        self.tags.push(tag.to_owned());
        self
    }}

    pub fn rank(&self, weights: &[f64]) -> f64 {{
        let mut total = 0.0;
        for (i, w) in weights.iter().enumerate() {{
            total += w * (i as f64 + self.score);
        }}
        if total > {limit}.0 {{ {limit}.0 }} else {{ total }}
    }}
}}

pub async fn load(pool: &sqlx::PgPool, id: i64) -> Result<{ty}, sqlx::Error> {{
    let row: (i64, String) = sqlx::query_as("SELECT id, name FROM {table} WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?;
    Ok({ty}::new(row.0, &row.1))
}}

pub fn summarize(items: &[{ty}]) -> String {{
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    format!("{{}} items: {{}}", items.len(), names.join(", "))
}}

#[cfg(test)]
mod tests {{
    use super::*;

    #[test]
    fn ranks() {{
        let x = {ty}::new(1, "a").tagged("b");
        assert!(x.rank(&[1.0, 2.0]) >= 0.0);
    }}
}}
"""

CARGO = """[package]
name = "{name}"
version = "0.{minor}.0"
edition = "2021"

[dependencies]
anyhow = "1"
axum = "0.7"
serde = {{ version = "1", features = ["derive"] }}
sqlx = {{ version = "0.8", features = ["postgres", "runtime-tokio"] }}
tokio = {{ version = "1", features = ["full"] }}
tracing = "0.1"
tracing-subscriber = {{ version = "0.3", features = ["json"] }}
"""

DOCKERFILE = """# syntax=docker/dockerfile:1
FROM rust:1.82-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --bin {name}

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates=20230311 \\
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/{name} /usr/local/bin/{name}
EXPOSE {port}
USER 10001
ENTRYPOINT ["/usr/local/bin/{name}"]
"""

COMPOSE = """services:
  {name}:
    build: .
    ports:
      - "{port}"
    environment:
      DATABASE_URL: postgres://app:app@db:5432/{name}
      LISTEN_ADDR: 0.0.0.0:{port}
    depends_on:
      - db
  db:
    image: postgres:16.3
    environment:
      POSTGRES_PASSWORD: ${{POSTGRES_PASSWORD}}
"""

K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  labels:
    app: {name}
spec:
  replicas: 3
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: {name}
          image: registry.example.com/{name}:1.{minor}.0
          ports:
            - containerPort: {port}
          env:
            - name: LISTEN_ADDR
              value: 0.0.0.0:{port}
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {name}-db
                  key: url
          readinessProbe:
            httpGet:
              path: /health
              port: {port}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
spec:
  selector:
    app: {name}
  ports:
    - port: 80
      targetPort: {port}
"""

ENV = """LISTEN_ADDR=0.0.0.0:{port}
RUST_LOG=info
DATABASE_URL=postgres://app:app@localhost:5432/{name}
"""

SCRIPT = """#!/bin/sh
set -eu
echo "starting {name}"
exec /usr/local/bin/{name} "$@"
"""


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def main():
    total, root = int(sys.argv[1]), sys.argv[2]
    rnd = random.Random(12)
    os.makedirs(root, exist_ok=True)
    subprocess.run(["git", "init", "-q", root], check=True)
    write(os.path.join(root, ".gitignore"), "target/\n*.log\n")
    count = 0
    crate = 0
    while count < total:
        crate += 1
        name = f"svc{crate:05d}"
        port = 8000 + crate % 1000
        minor = crate % 40
        base = os.path.join(root, "services" if crate % 3 else "libs", name)
        modules = [f"m{i:02d}" for i in range(rnd.randint(8, 18))]
        write(os.path.join(base, "Cargo.toml"), CARGO.format(name=name, minor=minor))
        write(
            os.path.join(base, "src/main.rs"),
            RUST_MAIN.format(port=port, mods="\n".join(f"mod {m};" for m in modules)),
        )
        routes = "".join(
            f'        .route("/{m}", get(|| async {{ "{m}" }}))\n' for m in modules[:5]
        )
        write(os.path.join(base, "src/routes.rs"), RUST_ROUTES.format(routes=routes))
        for m in modules:
            write(
                os.path.join(base, f"src/{m}.rs"),
                RUST_MODULE.format(name=m, ty=m.upper() + "Item", limit=rnd.randint(10, 999), table=m),
            )
        count += 3 + len(modules)
        # About 30% of the files are deploy files: Dockerfile, compose, k8s, env, script.
        extras = max(1, round((3 + len(modules)) * 0.43))
        kinds = [
            ("Dockerfile", DOCKERFILE),
            ("docker-compose.yml", COMPOSE),
            ("k8s/deployment.yaml", K8S),
            (".env", ENV),
            ("entrypoint.sh", SCRIPT),
        ]
        for i in range(extras):
            rel, tmpl = kinds[i % len(kinds)]
            if i >= len(kinds):
                rel = rel.replace("k8s/", f"k8s/extra{i}/").replace("Dockerfile", f"docker/{i}/Dockerfile")
                if rel.startswith((".env", "docker-compose", "entrypoint")):
                    rel = f"deploy/{i}/{rel}"
            write(os.path.join(base, rel), tmpl.format(name=name, port=port, minor=minor))
        count += extras
        # Ignored build output: must be skipped.
        for i in range(max(1, (3 + len(modules)) // 5)):
            write(os.path.join(base, f"target/debug/build/out{i}.rs"), "fn main() {}\n" * 50)
    print(f"{root}: {count} files in {crate} crates (+ ignored target/ noise)")


if __name__ == "__main__":
    main()
