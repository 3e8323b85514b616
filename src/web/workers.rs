//! Threads of the server's own that take jobs from one queue in turn: the password
//! hashing threads ([`crate::web::hashing`]) and the report thread
//! ([`crate::web::reports`]).

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::{Arc, Mutex, mpsc};

/// Starts `threads` threads named `sourcewise-{name}-{n}` that take jobs from `queue`
/// in turn until every sender of it is dropped. Each thread first makes what it keeps
/// with `start` (its memory, its priority), then does each job with `run`: a job that
/// panics fails alone (its request gets an error page), logged as `what` ("a report"),
/// and the thread goes on with the next.
pub fn start<J, S>(
    name: &str,
    threads: usize,
    queue: mpsc::Receiver<J>,
    what: &'static str,
    start: impl Fn() -> S + Send + Sync + 'static,
    run: impl Fn(J, &mut S) + Send + Sync + 'static,
) -> std::io::Result<()>
where
    J: Send + 'static,
{
    let queue = Arc::new(Mutex::new(queue));
    let start = Arc::new(start);
    let run = Arc::new(run);
    for number in 0..threads {
        let (queue, start, run) = (Arc::clone(&queue), Arc::clone(&start), Arc::clone(&run));
        std::thread::Builder::new()
            .name(format!("sourcewise-{name}-{number}"))
            .spawn(move || {
                let mut kept = start();
                loop {
                    let job = match queue.lock() {
                        Ok(queue) => queue.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    if catch_unwind(AssertUnwindSafe(|| run(job, &mut kept))).is_err() {
                        tracing::error!("{what} panicked");
                    }
                }
            })?;
    }
    Ok(())
}
