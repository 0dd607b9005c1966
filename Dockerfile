FROM node:20-bookworm-slim
WORKDIR /opt/passerine
COPY package.json package-lock.json ./
COPY libs ./libs
COPY services ./services
COPY test/support ./test/support
COPY bin ./bin
COPY proto ./proto
COPY nats.conf ./
RUN npm install --omit=dev --no-audit --no-fund && npm link
ENTRYPOINT []
