# logtally in a container: build with the full toolchain, run on a slim image of the current Node LTS (24) as the
# unprivileged `node` user, with only the production dependencies.
#   docker build -t logtally .
#   docker run -p 3903:3903 -v /etc/logtally/programs:/etc/logtally/programs:ro -v /var/log:/var/log/app:ro logtally

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY scripts ./scripts
COPY grammar ./grammar
COPY src ./src
COPY bin ./bin
# `npm ci` runs the prepare script (peggy parser + tsc); then drop the build-only dependencies.
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist/src ./dist/src
COPY bin ./bin
# The bundled programs, used when nothing is mounted on the programs volume.
COPY programs/*.mtail /etc/logtally/programs/
RUN mkdir -p /var/log/app /var/lib/logtally && chown node:node /var/lib/logtally
# Logs the image's user may not read (Debian's 0640 root:adm files) are reported once and retried quietly; run
# with `--group-add adm` (or the group owning your logs) to read them.
USER node
VOLUME ["/etc/logtally/programs", "/var/log/app", "/var/lib/logtally"]
EXPOSE 3903
# `logtally healthcheck` reads the daemon's own arguments (process 1) and asks its /healthz wherever --port,
# --address, --unix_socket or --web_config_file put it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "/app/bin/logtally.js", "healthcheck"]
ENTRYPOINT ["node", "/app/bin/logtally.js"]
CMD ["--progs", "/etc/logtally/programs", "--logs", "/var/log/app/**/*.log", "--state_dir", "/var/lib/logtally"]
