# A static binary on an empty image. Build: docker build -t portal .
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/portal . && mkdir -p /out/tmp

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/portal /portal
COPY --from=build --chown=65534:65534 /out/tmp /tmp
USER 65534:65534
ENV PORT=8080
EXPOSE 8080
ENTRYPOINT ["/portal"]
CMD ["serve"]
