# logtally in a container: build with the full toolchain, run on a slim Node LTS image as a non-root user.
#   docker build -t logtally .
#   docker run -p 3903:3903 -v /etc/logtally/programs:/etc/logtally/programs:ro -v /var/log:/var/log/app:ro logtally

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY grammar ./grammar
COPY src ./src
COPY bin ./bin
# `npm ci` runs the prepare script (peggy parser + tsc); then drop the build-only dependencies.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY bin ./bin
# The bundled programs, used when nothing is mounted on the programs volume.
COPY programs/*.mtail /etc/logtally/programs/
RUN mkdir -p /var/log/app /var/lib/logtally && chown node:node /var/lib/logtally
USER node
VOLUME ["/etc/logtally/programs", "/var/log/app", "/var/lib/logtally"]
EXPOSE 3903
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3903/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "/app/bin/logtally.js"]
CMD ["--progs", "/etc/logtally/programs", "--logs", "/var/log/app/**/*.log", "--state_dir", "/var/lib/logtally"]
