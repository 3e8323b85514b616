//! `GET /healthz`: a cheap answer for monitoring and benchmarks.

pub async fn show_health() -> &'static str {
    "ok"
}
