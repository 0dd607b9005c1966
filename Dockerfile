# The image every Passerine service runs from (docker-compose.yml starts it with `passerine serve NAME`).
# Node 20, the version the tests run on; the packages exactly as the lock file has them.
FROM node:20-bookworm-slim
WORKDIR /opt/passerine
COPY package.json package-lock.json ./
COPY libs ./libs
COPY services ./services
COPY test/support ./test/support
COPY bin ./bin
COPY proto ./proto
COPY nats.conf ./
RUN npm ci --omit=dev --no-audit --no-fund && npm link
USER node
ENTRYPOINT []
CMD ["passerine", "--help"]
