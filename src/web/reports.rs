//! The threads that make whole-class reports (results pages, the class page, CSV
//! exports). A report of 10,000 students takes most of a second; made on the actix
//! worker that took the request, it held up every answer and page of the connections
//! that worker serves. Reports queue here instead, and the worker goes on serving.
//!
//! One long-lived thread rather than a pool that grows: each thread that allocates
//! gets a malloc arena of its own, which keeps memory after a big report. With tokio's
//! blocking pool the server held 187 MB after the school benchmark, with two report
//! threads 148 MB, against 123–130 MB with reports made on the workers
//! (bench/README.md). One thread also leaves the other core to the learners; a report
//! that waits for another waits a few milliseconds (a class of 500) to most of a second
//! (an export of 10,000 students).

use std::sync::mpsc;

/// How many reports are made at once.
pub const THREADS: usize = 1;

type Job = Box<dyn FnOnce() + Send>;

/// The handle to the report threads; they stop when it is dropped.
pub struct Reports {
    jobs: mpsc::Sender<Job>,
}

impl Reports {
    pub fn start() -> std::io::Result<Reports> {
        let (jobs, queue) = mpsc::channel::<Job>();
        crate::web::workers::start(
            "report",
            THREADS,
            queue,
            "a report",
            || (),
            |job: Job, _| job(),
        )?;
        Ok(Reports { jobs })
    }

    /// Makes `work` on a report thread and waits for it without blocking the caller's
    /// thread; `None` if the report threads have stopped or the work panicked.
    pub async fn make<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Option<T> {
        let (done, result) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = done.send(work());
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reports_are_made_and_a_panicking_one_fails_alone() {
        let reports = Reports::start().unwrap();
        let runtime = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        runtime.block_on(async {
            assert_eq!(reports.make(|| 6 * 7).await, Some(42));
            for _ in 0..THREADS {
                assert_eq!(
                    reports.make(|| -> i32 { panic!("a bad report") }).await,
                    None
                );
            }
            assert_eq!(
                reports.make(|| "still here").await,
                Some("still here"),
                "the threads survive a panicking report"
            );
        });
    }
}
