# twelve-lint as a container image: the static binary on an empty base, run as a
# non-root user over the repository mounted at /src:
#
#   docker build -t twelve-lint .
#   docker run --rm -u "$(id -u):$(id -g)" -v "$PWD:/src" twelve-lint .

# The build stage: on Alpine, Rust targets musl and links statically (libgit2, zlib and
# mimalloc are compiled in).
FROM rust:1.95-alpine AS build
RUN apk add --no-cache gcc musl-dev
WORKDIR /build
# What the build reads, as in Cargo.toml's `include`.
COPY Cargo.toml Cargo.lock build.rs ./
COPY src src
COPY rules rules
COPY ecosystem/snapshot.tsv ecosystem/ledger.tsv ecosystem/
RUN cargo build --locked --release && cp target/release/twelve-lint /twelve-lint

# The image: the binary alone. No shell, no package manager, nothing else to patch.
FROM scratch
COPY --from=build /twelve-lint /twelve-lint
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/twelve-lint"]
CMD ["."]
