# payroll-sync as a container image: the release binary and CA certificates, run as a
# non-root user. Build:
#   docker build --build-arg PAYROLL_SYNC_COMMIT=$(git rev-parse --short=12 HEAD) -t payroll-sync .
# Run (settings from the environment, the export mounted read-only):
#   docker run --rm -e PAYROLL_SYNC_CHARTHOP_ORG=acme -e PAYROLL_SYNC_CHARTHOP_TOKEN_FILE=/run/secrets/token \
#     -v /srv/payroll:/data:ro payroll-sync plan --input /data/export.csv --mapping /data/mapping.toml

FROM rust:1-bookworm AS build
# `--version` names this commit (the build context has no .git).
ARG PAYROLL_SYNC_COMMIT=unknown
ENV PAYROLL_SYNC_COMMIT=${PAYROLL_SYNC_COMMIT}
WORKDIR /src
COPY . .
# The same command as `make release`.
RUN cargo build --release --locked --bin payroll-sync

# Distroless "cc": glibc, CA certificates and a non-root user, nothing else (no shell).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/payroll-sync /usr/local/bin/payroll-sync
USER nonroot
# Plans, the ledger and the run lock, in the non-root user's home: mount a volume there to keep
# them between runs.
ENV PAYROLL_SYNC_PLAN_RUNS_DIR=/home/nonroot/payroll-sync
ENTRYPOINT ["/usr/local/bin/payroll-sync"]
CMD ["--help"]
