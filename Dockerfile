# Boutique in a container: the static binary (CGO_ENABLED=0) on a minimal
# image. Build:  docker build -t boutique .
# Run:          docker run -p 8000:8000 -v boutique-data:/data --env-file env boutique
# htmx comes from npm at build time; nothing third-party is in the repo.

FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/node_modules/htmx.org/dist/htmx.min.js assets/vendor/htmx.min.js
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/boutique .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/boutique /boutique
VOLUME /data
EXPOSE 8000
USER nonroot
ENTRYPOINT ["/boutique", "serve", "-addr", ":8000", "-db", "/data/boutique.db"]
