# syntax=docker/dockerfile:1
# egressgate image: build with dev dependencies, run with production dependencies only.
# The base is pinned to an exact Node 20 release; pin the digest as well in your registry mirror
# (`node:20.20.2-bookworm-slim@sha256:...`) when you build for production.

FROM node:20.20.2-bookworm-slim AS build
# node-gyp needs python3, make and a C++ compiler for the SO_ORIGINAL_DST addon, and takes Node's
# headers from the image instead of downloading them.
ENV npm_config_nodedir=/usr/local
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: `prepare` (tsc + addon) needs the sources, which the next layers bring.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY native ./native
COPY src ./src
COPY policies ./policies
# TypeScript to dist/, then the addon. build-native.mjs never fails (an npm install without a
# compiler must still work), so the image checks for the addon itself: without it transparent
# mode loses the original destination, and an image is built where a compiler is known to exist.
RUN npm run build \
 && node scripts/build-native.mjs \
 && test -f native/build/Release/original_dst.node \
 && chmod 0755 dist/cli/main.js

FROM node:20.20.2-bookworm-slim AS runtime
LABEL org.opencontainers.image.title="egressgate" \
      org.opencontainers.image.description="Egress gateway that enforces vendor-documented allowlists by name and port, never terminating TLS" \
      org.opencontainers.image.licenses="MIT"
# HOME in /tmp: with a read-only root filesystem, /tmp (an emptyDir in Kubernetes) is the only
# writable place, so anything a library writes under $HOME lands there.
# GLIBC_TUNABLES: the heap thresholds the native addon also sets with mallopt on load; here for a
# runtime where the addon cannot load (the start-up log's heapTuning field says which is in force).
ENV NODE_ENV=production \
    HOME=/tmp \
    GLIBC_TUNABLES=glibc.malloc.trim_threshold=67108864:glibc.malloc.mmap_threshold=33554432
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts stay off: `prepare` would run tsc, which is a dev dependency and not installed here.
RUN npm ci --omit=dev --ignore-scripts \
 && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/policies ./policies
COPY --from=build /app/native/build/Release/original_dst.node ./native/build/Release/original_dst.node
# A numeric user, so that Kubernetes' runAsNonRoot can verify it without a name lookup.
RUN ln -s /app/dist/cli/main.js /usr/local/bin/egressgate \
 && groupadd --system --gid 10001 egressgate \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home --shell /usr/sbin/nologin egressgate
USER 10001:10001
# explicit proxy, transparent TLS, transparent HTTP, admin (health, readiness, metrics)
EXPOSE 3128 15001 15002 9090
ENTRYPOINT ["egressgate"]
CMD ["serve", "--config", "/etc/egressgate/config.yaml"]
