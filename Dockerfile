# syntax=docker/dockerfile:1
# The API's container image, for compute.kind "fargate" (docs/containers.md). Two stages: the build
# stage bundles the API, its health check and the web page (stacks/build/bundle-image.ts); the
# runtime stage holds those files on Node.js 22 and nothing else: no sources, no node_modules, no
# secrets (the task gets its settings from its environment and signs in to MySQL with IAM tokens).
#
# The base is pinned by digest: a new Node.js image is a reviewed change of this line. Dependabot
# (.github/dependabot.yml, ecosystem docker) proposes it.
ARG NODE_IMAGE=node:22-bookworm-slim@sha256:43ac6c60b8f89723f746e8a92ce91abd5017e627ce1ddfe4238355d3a30b772c

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# No install scripts: the bundle needs none (esbuild's binary comes as a package of its own).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY api ./api
COPY stacks/build ./stacks/build
COPY scripts/build-image.ts ./scripts/build-image.ts
RUN npx esbuild scripts/build-image.ts --bundle --platform=node --target=node20 --packages=external --log-level=warning --outfile=dist/scripts/build-image.js \
 && node dist/scripts/build-image.js --out /image

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    SITE_DIR=/app/site
WORKDIR /app
# Owned by root and read-only to the process: the API writes nothing to its own files.
COPY --from=build --chown=root:root --chmod=a=rX /image/ /app/
# The base image's unprivileged `node` user (uid 1000), as the task definition says too.
USER 1000:1000
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["node", "/app/healthcheck.js"]
CMD ["node", "/app/index.js"]
