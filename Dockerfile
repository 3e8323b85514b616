# sourcewise in a container: built in the Rust image, run in a slim Debian one.
# See docs/operators.md.
#
#   docker build -t sourcewise .
#   docker run -d --name sourcewise -p 8080:8080 -v sourcewise-data:/data sourcewise

FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin sourcewise

FROM debian:bookworm-slim
# The server runs as a user of its own, who owns nothing but the data volume.
RUN useradd --system --uid 10001 --user-group --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin sourcewise \
    && mkdir /data \
    && chown sourcewise:sourcewise /data \
    && chmod 700 /data
COPY --from=build /src/target/release/sourcewise /usr/local/bin/sourcewise
# The packs are read when the server starts; it refuses to start if one has errors.
COPY questions /app/questions
WORKDIR /app
# Every flag can be set by an environment variable (README.md, "Options"); the admin
# commands read SOURCEWISE_DATA_DIR too, so `docker exec` needs no --data-dir.
ENV SOURCEWISE_BIND=0.0.0.0:8080 \
    SOURCEWISE_DATA_DIR=/data \
    SOURCEWISE_QUESTIONS=/app/questions \
    NO_COLOR=1
USER sourcewise
VOLUME /data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/sourcewise"]
CMD ["serve"]
