# syntax=docker/dockerfile:1
# Fleetgate: build stage compiles the bundle and the web console (npm ci runs `prepare`), the runtime stage carries
# only production dependencies, the bundle and bin/, runs as the unprivileged `node` user and
# keeps its data (SQLite file, generated key files) in the /data volume.

FROM node:20-bookworm-slim AS build
# better-sqlite3 compiles from source when no prebuilt binary can be fetched.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/build.ts scripts/
COPY src src
COPY console console
COPY bin bin
RUN npm ci && npm prune --omit=dev && npm cache clean --force

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    FLEETGATE_DATA_DIR=/data \
    FLEETGATE_HOST=0.0.0.0 \
    FLEETGATE_PORT=8080
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/dist dist
COPY --from=build /app/bin bin
RUN mkdir /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 8080
# Ready means migrated, connected and not draining: what a load balancer should route on.
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.FLEETGATE_PORT}/readyz`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/fleetgate.js"]
CMD ["serve"]
