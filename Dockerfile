# Gatehouse: built with the official Swift image, run on slim Debian as a non-root user.
# docs/container.md: the image, the Compose quick-start, and building without a registry.
ARG SWIFT_IMAGE=swift:6.1-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${SWIFT_IMAGE} AS build
# Headers of the system libraries Gatehouse links: libpg_query, libphonenumber, SQLite, zlib.
# Unpinned on purpose: the base image's Debian release fixes them, and its security updates apply.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpg-query-dev libphonenumber-dev libsqlite3-dev zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product gatehouse --static-swift-stdlib \
    && bin="$(swift build -c release --show-bin-path)" \
    && install -D -m 0755 "$bin/gatehouse" /out/gatehouse \
    && cp -R "$bin/gatehouse_gatehouse.resources" /out/

FROM ${RUNTIME_IMAGE}
# The shared libraries the binary needs at run time, CA certificates, and curl for HEALTHCHECK.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl libpg-query1504.0 libphonenumber8 libsqlite3-0 zlib1g \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/gatehouse --shell /usr/sbin/nologin gatehouse \
    && install -d -o gatehouse -g gatehouse -m 0700 /var/lib/gatehouse
COPY --from=build /out/ /opt/gatehouse/
RUN ln -s /opt/gatehouse/gatehouse /usr/local/bin/gatehouse
USER 10001:10001
WORKDIR /var/lib/gatehouse
# PostgreSQL listener and HTTP listener (web UI, approvals API, Git, Blob, Kubernetes, health).
EXPOSE 6432 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
    CMD ["curl", "-fsS", "-o", "/dev/null", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["gatehouse"]
CMD ["serve", "--config", "/etc/gatehouse/gatehouse.yaml", "--log-format", "json"]
