# syntax=docker/dockerfile:1

# ---- build: compile TypeScript to dist/ ----
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts are skipped here because `prepare` runs tsc, and src/ is not copied yet; copying the sources
# after this step keeps the dependency layer cached across source changes.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
# The build also precompiles the config schema's validator (scripts/build-config-validator.mjs) and
# bundles the command into one file, dist/cli.bundle.js, run by dist/cli.js with Node's compile cache
# on (scripts/bundle-cli.mjs).
COPY schema ./schema
COPY scripts/build-config-validator.mjs scripts/bundle-cli.mjs ./scripts/
RUN npm run build
COPY fixtures ./fixtures

# ---- runtime: production dependencies and the compiled output only ----
FROM node:24-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# --build-arg SIGN_IN_WIDGET=true adds the Okta Sign-In Widget (about 130 MB) for the hosted sign-in
# page (signIn.page "okta-widget", docs/sign-in-widget.md), at the version the lockfile pins.
ARG SIGN_IN_WIDGET=false
RUN if [ "$SIGN_IN_WIDGET" = "true" ]; then \
      version=$(node -p "require('./package-lock.json').packages['node_modules/@okta/okta-signin-widget'].version") && \
      npm install --no-save --omit=dev --ignore-scripts --no-audit --no-fund "@okta/okta-signin-widget@$version" && \
      npm cache clean --force; \
    fi
COPY --from=build /app/dist ./dist
COPY --from=build /app/fixtures ./fixtures
COPY --from=build /app/schema ./schema
# The dashboard's page, script and styles (docs/dashboard.md), served as they are.
COPY ui ./ui

# Without MOCKTA_BASE_URL the issuers are http://localhost:PORT/…, right for a browser on the host with
# -p 8080:8080; on a docker network set MOCKTA_BASE_URL to the origin browser and containers share.
ENV HOST=0.0.0.0 PORT=8080 NODE_ENV=production
# Where a volume for the state file mounts (docs/refresh-tokens.md, "State file"): a named volume created over it takes
# its owner, so mockta, running as node, can write there.
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 8080
# The slim image has no curl; Node's own fetch does the check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# mockta handles SIGTERM itself (graceful close), so it can run as PID 1 without an init.
ENTRYPOINT ["node", "dist/cli.js"]
