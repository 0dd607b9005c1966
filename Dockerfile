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
# The CLI's bundle (bin/cli-bundle.js) made once here, where the image's user could not write it.
RUN passerine --help > /dev/null
# docker-compose.yml's credentials volume is mounted here: a new named volume takes this owner, so
# the setup step (as the user below) can write the users of every role into it.
RUN install -d -o node -g node -m 700 /credentials
USER node
ENTRYPOINT []
CMD ["passerine", "--help"]
