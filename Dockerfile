# descent course image: JupyterLab with the GoNB (Go) kernel, the descent
# library and its notebooks, with Go's module and build caches warmed so that
# every notebook runs at once and without network.
#
#   docker build -t descent-course .
#   docker run --rm -p 127.0.0.1:8888:8888 descent-course   # token printed in the log
#
# See docker/README.md (build, run, your own work, the token, offline use).
# Builds for linux/amd64 and linux/arm64 only. Every build argument below
# defaults to the pinned release; `make image-test` builds this same file
# with podman, substituting only build arguments (a local Debian base and
# the local Go toolchain with its own checksum).

# Debian 12 "bookworm" (slim) with CPython 3.11.16 in /usr/local: patch tag
# pinned to its multi-arch index digest. Any Debian bookworm image works as
# well (provision.sh adds Debian's python3 when the base has no Python >= 3.10).
ARG BASE_IMAGE=python:3.11.16-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

# --- stage deps: Debian packages, the user, Go, the Python side, Go modules ---
FROM ${BASE_IMAGE} AS deps

# The Go toolchain, pinned by version and by the SHA-256 that go.dev/dl
# publishes for each archive; provision.sh refuses any other bytes and any
# other architecture. GO_DOWNLOAD_URL is where go${GO_VERSION}.linux-<arch>.tar.gz
# is fetched from: go.dev, or a mirror (any URL curl reads, file:// too).
ARG GO_VERSION=1.26.8
ARG GO_SHA256_AMD64=d0f743b33e8d8945e6b1f432edd15785c70507121d6e2a723b21285eddf8b57b
ARG GO_SHA256_ARM64=211ffced9dcb9633a55eac6364816ec0ddd951389a740e88fa8b3337971bdda0
ARG GO_DOWNLOAD_URL=https://go.dev/dl
# Set by BuildKit from --platform.
ARG TARGETARCH
# docker-stacks conventions (what JupyterHub spawners expect).
ARG NB_USER=jovyan
ARG NB_UID=1000
ARG NB_GID=100

SHELL ["/bin/bash", "-o", "pipefail", "-c"]

ENV LANG=C.UTF-8 \
    NB_USER=${NB_USER} \
    NB_UID=${NB_UID} \
    NB_GID=${NB_GID} \
    PREFIX=/opt \
    DESCENT_HOME=/opt/descent \
    DESCENT_WORKDIR=/home/${NB_USER}/work \
    HOME=/home/${NB_USER} \
    GO_DIR=/usr/local/go \
    GOPATH=/opt/go \
    GOCACHE=/opt/go/cache \
    GOTOOLCHAIN=local \
    CGO_ENABLED=0 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/descent/.venv/bin:/opt/descent/.tools/bin:/usr/local/go/bin:/opt/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# A build host that reaches the package indexes through a TLS-intercepting
# proxy passes its CA bundle for the build only, as a secret that never
# enters a layer: `docker build --secret id=ca-certificates,src=/etc/ssl/certs/ca-certificates.crt .`
# (without it the mount is simply absent).

# 1. Debian packages, the user, Go (root). Kept apart from the sources so
#    that editing a notebook does not download Go again.
COPY docker/provision.sh /usr/local/lib/descent/provision.sh
RUN --mount=type=secret,id=ca-certificates,mode=0444 \
    /usr/local/lib/descent/provision.sh system go

USER ${NB_UID}:${NB_GID}
WORKDIR /opt/descent

# 2. The Python side and the Go modules: depends only on these files.
COPY --chown=${NB_UID}:${NB_GID} go.mod go.sum requirements.txt ./
COPY --chown=${NB_UID}:${NB_GID} tools/setup.sh tools/setup.sh
RUN --mount=type=secret,id=ca-certificates,mode=0444 \
    /usr/local/lib/descent/provision.sh deps

# --- stage course: the library built and every notebook executed offline ---
FROM deps AS course

# 3. The course, built and every notebook executed once with Go offline
#    (GOPROXY=off, -mod=readonly): the build fails if any cell needs a module
#    the caches lack. For the strict check with no network at all, build the
#    deps stage first and then the rest with the network switched off:
#      docker build --target deps . && docker build --network=none -t descent-course .
COPY --chown=${NB_UID}:${NB_GID} . .
RUN /opt/descent/docker/provision.sh course

# At run time Go never reaches for the network: modules come from the warmed
# cache, and a cell that imports something new fails at once with
# "module lookup disabled by GOPROXY=off" instead of hanging.
ENV GOPROXY=off \
    GOFLAGS=-mod=readonly \
    JUPYTER_PORT=8888

# Filled by the builder for the labels (optional). Last, so that a new
# revision does not rebuild the layers above.
ARG BASE_IMAGE
ARG VCS_REF=unknown
ARG BUILD_DATE=unknown
LABEL org.opencontainers.image.title="descent course" \
      org.opencontainers.image.description="Optimization for deep learning in Go: JupyterLab with the GoNB kernel, the descent library and its notebooks, Go caches warmed for offline use" \
      org.opencontainers.image.source="https://github.com/descentlab/descent" \
      org.opencontainers.image.url="https://github.com/descentlab/descent" \
      org.opencontainers.image.documentation="https://github.com/descentlab/descent/blob/main/docker/README.md" \
      org.opencontainers.image.revision="${VCS_REF}" \
      org.opencontainers.image.created="${BUILD_DATE}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"

WORKDIR /home/${NB_USER}/work
EXPOSE 8888
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/opt/descent/docker/healthcheck.sh"]
ENTRYPOINT ["tini", "-g", "--", "/opt/descent/docker/entrypoint.sh"]
CMD []
