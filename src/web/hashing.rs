//! The threads that hash and check teachers' passwords. Argon2id takes about 19 MiB
//! and tens of milliseconds for each password; run on actix's blocking pool (up to 512
//! threads), 100 sign-ins at once took the server to 2–4 GB and held learners' pages up
//! for seconds (issue #14, H1). Here a few threads (one per core, at most
//! [`MAX_THREADS`]) take the work from a short queue, each in Argon2 memory of its own
//! made once; when [`WAITING_PER_THREAD`] jobs per thread are already waiting, more
//! work is refused at once with [`AppError::Busy`] (a 503 that says to try again in a
//! moment), so memory stays at a few Argon2 blocks whatever arrives.
//!
//! The threads run at a lower priority ([`NICE`]) than the workers that serve pages:
//! during a storm of sign-ins a learner's page gets the CPU first (bench/README.md has
//! the figures with and without).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, mpsc};

use crate::accounts::HashingMemory;
use crate::ids::Token;
use crate::web::error::AppError;

/// Hashing threads at most, whatever the number of cores.
pub const MAX_THREADS: usize = 4;
/// Jobs that may wait for a thread, per thread: four hashes, about 150 ms of waiting
/// on the 2-core development machine.
pub const WAITING_PER_THREAD: usize = 4;
/// The nice value of the hashing threads (0 is the workers'; 19 the lowest).
pub const NICE: i32 = 10;

/// A job gets the thread's Argon2 memory.
type Job = Box<dyn FnOnce(&mut HashingMemory) + Send>;

/// The handle to the hashing threads; they stop when it is dropped.
pub struct Hashing {
    jobs: mpsc::SyncSender<Job>,
    /// Jobs queued or under way, and how many may be: a job's place is given back as
    /// soon as its work is done, before its answer is sent, so that the next request
    /// of a client never finds the place of its last one still taken.
    in_flight: Arc<AtomicUsize>,
    limit: usize,
    /// A hash of a random secret, checked when a username is unknown so that a wrong
    /// username takes as long as a wrong password. Made by the first job, at start.
    no_ones_hash: Arc<OnceLock<String>>,
}

impl Hashing {
    /// One thread per core (at least 1, at most [`MAX_THREADS`]), each with
    /// [`WAITING_PER_THREAD`] places in the queue.
    pub fn start() -> std::io::Result<Hashing> {
        let threads = std::thread::available_parallelism()
            .map(usize::from)
            .unwrap_or(1)
            .clamp(1, MAX_THREADS);
        Hashing::with_threads(threads, threads * WAITING_PER_THREAD)
    }

    /// `threads` threads and `waiting` jobs waiting for them at most. The hash for
    /// unknown usernames is made on one of them straight away, off the start-up path.
    pub fn with_threads(threads: usize, waiting: usize) -> std::io::Result<Hashing> {
        let threads = threads.max(1);
        let limit = threads + waiting;
        let (jobs, queue) = mpsc::sync_channel::<Job>(limit);
        crate::web::workers::start(
            "hash",
            threads,
            queue,
            "a password hash",
            || {
                lower_priority();
                HashingMemory::new()
            },
            |job: Job, memory| job(memory),
        )?;
        let hashing = Hashing {
            jobs,
            in_flight: Arc::new(AtomicUsize::new(0)),
            limit,
            no_ones_hash: Arc::new(OnceLock::new()),
        };
        let no_ones_hash = Arc::clone(&hashing.no_ones_hash);
        // Queued now; nobody waits for the answer.
        drop(hashing.run(move |memory| {
            no_ones_hash.get_or_init(|| make_no_ones_hash(memory));
        }));
        Ok(hashing)
    }

    /// Queues `work` for a hashing thread at once, and returns the future of its
    /// result, which waits without blocking the caller's thread: [`AppError::Busy`] if
    /// as many jobs as allowed are already queued or under way,
    /// [`AppError::Interrupted`] if the threads have stopped or the work panicked.
    pub fn run<T, W>(&self, work: W) -> impl Future<Output = Result<T, AppError>> + use<T, W>
    where
        T: Send + 'static,
        W: FnOnce(&mut HashingMemory) -> T + Send + 'static,
    {
        let (done, result) = tokio::sync::oneshot::channel();
        let queued = match Place::take(&self.in_flight, self.limit) {
            None => Err(AppError::Busy),
            Some(place) => {
                let job: Job = Box::new(move |memory: &mut HashingMemory| {
                    let value = work(memory);
                    drop(place);
                    let _ = done.send(value);
                });
                match self.jobs.try_send(job) {
                    Ok(()) => Ok(()),
                    Err(mpsc::TrySendError::Full(_)) => Err(AppError::Busy),
                    Err(mpsc::TrySendError::Disconnected(_)) => Err(AppError::Interrupted),
                }
            }
        };
        async move {
            queued?;
            result.await.map_err(|_| AppError::Interrupted)
        }
    }

    /// Hashes a new password (Argon2id, a random salt).
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move |memory| memory.hash_password(&password, &mut rand::rng()))
            .await
    }

    /// Whether `password` matches `hash`; with no hash (an unknown username), checks it
    /// against a hash no one knows the password of, which takes as long, and says no.
    pub async fn verify(&self, password: String, hash: Option<String>) -> Result<bool, AppError> {
        let no_ones_hash = Arc::clone(&self.no_ones_hash);
        self.run(move |memory| match hash {
            Some(hash) => memory.verify_password(&password, &hash),
            None => {
                let hash = no_ones_hash.get_or_init(|| make_no_ones_hash(memory));
                memory.verify_password(&password, hash);
                false
            }
        })
        .await
    }
}

/// A job's place among those queued or under way, given back when dropped: when its
/// work is done, when the work panics, or when the job is dropped unrun.
struct Place(Arc<AtomicUsize>);

impl Place {
    fn take(in_flight: &Arc<AtomicUsize>, limit: usize) -> Option<Place> {
        in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |taken| {
                (taken < limit).then_some(taken + 1)
            })
            .ok()
            .map(|_| Place(Arc::clone(in_flight)))
    }
}

impl Drop for Place {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

fn make_no_ones_hash(memory: &mut HashingMemory) -> String {
    let secret = Token::random(&mut rand::rng()).to_string();
    memory.hash_password(&secret, &mut rand::rng())
}

/// Gives the calling thread the nice value [`NICE`] (on Linux a nice value belongs to
/// a thread). Where it cannot, the thread runs at the usual priority.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: setpriority reads no memory of ours; `who` 0 is the calling thread.
        let result = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, NICE) };
        if result != 0 {
            tracing::debug!("the hashing thread keeps its priority");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[test]
    fn hashes_verify_and_unknown_usernames_never_match() {
        let hashing = Hashing::with_threads(1, 2).unwrap();
        runtime().block_on(async {
            let hash = hashing.hash("tall ships at dawn".into()).await.unwrap();
            assert!(
                hashing
                    .verify("tall ships at dawn".into(), Some(hash.clone()))
                    .await
                    .unwrap()
            );
            assert!(
                !hashing
                    .verify("tall ships at dusk".into(), Some(hash))
                    .await
                    .unwrap()
            );
            assert!(!hashing.verify("".into(), None).await.unwrap());
            assert!(hashing.no_ones_hash.get().is_some(), "made once, kept");
        });
    }

    #[test]
    fn a_full_queue_refuses_at_once_and_a_panic_fails_alone() {
        let hashing = Hashing::with_threads(1, 1).unwrap();
        let runtime = runtime();
        while hashing.no_ones_hash.get().is_none() {
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        // The thread is held by one job; one more waits in the queue; the next is
        // refused.
        let (release, held) = std::sync::mpsc::channel::<()>();
        let (started, has_started) = std::sync::mpsc::channel::<()>();
        let running = hashing.run(move |_| {
            started.send(()).unwrap();
            held.recv().unwrap();
            1
        });
        has_started.recv().unwrap();
        let waiting = hashing.run(|_| 2);
        assert!(matches!(
            runtime.block_on(hashing.run(|_| 3)),
            Err(AppError::Busy)
        ));
        release.send(()).unwrap();
        assert_eq!(runtime.block_on(running).unwrap(), 1);
        // The place of a job is free once its answer has come, whether or not the
        // thread has taken the next job yet.
        let next = hashing.run(|_| 5);
        assert_eq!(runtime.block_on(waiting).unwrap(), 2);
        assert_eq!(runtime.block_on(next).unwrap(), 5);

        assert!(matches!(
            runtime.block_on(hashing.run(|_| -> i32 { panic!("a bad hash") })),
            Err(AppError::Interrupted)
        ));
        assert_eq!(
            runtime.block_on(hashing.run(|_| 4)).unwrap(),
            4,
            "the thread survives a panicking job"
        );
    }
}
