//! Password hashing (argon2id) on a few threads of its own.
//!
//! argon2id takes 19 MiB and a core for tens of milliseconds per hash. With 2,000 candidates
//! signing in at 9:00, the earlier design (a semaphore with one permit per core, then
//! `spawn_blocking`) kept hashing for requests whose candidates had already given up (the
//! blocking task runs to its end once started), and every core hashed, so pages of candidates
//! already in the exam waited behind sign-ins. Here a fixed set of threads, half the cores and
//! at least one, takes jobs from one queue in arrival order; a job whose requester has gone
//! (the browser gave up, the connection closed) is skipped, not computed.
//!
//! The hashing threads also run at a lower scheduling priority (nice 10). Hashing is what the
//! arrival spends its CPU on; without it, the candidates already answering questions shared
//! the cores with it evenly, and their saves waited hundreds of milliseconds while the last
//! ones signed in. At nice 10 the kernel gives a hashing thread about a tenth of a core that
//! the exam's own requests keep busy, and every idle moment: sign-ins take longer while the
//! exam runs, and no one in it waits for them.

use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};

use tokio::sync::oneshot;

use super::error::AppError;

/// A job: computes and answers its requester, or does nothing when the requester has gone.
type Job = Box<dyn FnOnce() + Send>;

/// How many hashing threads a machine with `cores` cores gets: half, so the rest keep serving
/// the candidates already in the exam, and at least one.
pub fn thread_count(cores: usize) -> usize {
    (cores / 2).max(1)
}

fn queue() -> &'static mpsc::Sender<Job> {
    static QUEUE: OnceLock<mpsc::Sender<Job>> = OnceLock::new();
    QUEUE.get_or_init(|| {
        let (sender, receiver) = mpsc::channel::<Job>();
        let receiver = std::sync::Arc::new(Mutex::new(receiver));
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        for n in 0..thread_count(cores) {
            let receiver = receiver.clone();
            std::thread::Builder::new()
                .name(format!("password-hashing-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match receiver.lock() {
                            Ok(r) => r.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        let Ok(job) = job else { return };
                        job();
                    }
                })
                .expect("the password hashing thread starts");
        }
        sender
    })
}

/// How much less the scheduler favours a hashing thread than a request's (nice 0 to 19).
const NICENESS: i32 = 10;

/// Lowers the calling thread's priority by [`NICENESS`] from the thread's own: on Linux the
/// nice value is a thread's own, so this leaves the server's other threads as they are. Where
/// it fails, hashing runs at the usual priority, as before.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: gettid, getpriority and setpriority only read their integer arguments.
        let done = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            let now = libc::getpriority(libc::PRIO_PROCESS, tid);
            libc::setpriority(libc::PRIO_PROCESS, tid, (now + NICENESS).min(19))
        };
        if done != 0 {
            tracing::warn!(
                "password hashing keeps the usual priority: {}",
                std::io::Error::last_os_error()
            );
        }
    }
}

/// Runs `work` on a hashing thread and waits for its answer. Dropping the returned future
/// before the work starts cancels it.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let (reply, answer) = oneshot::channel::<Result<T, AppError>>();
    let job: Job = Box::new(move || {
        if !reply.is_closed() {
            let _ = reply.send(work());
        }
    });
    queue()
        .send(job)
        .map_err(|_| AppError::Internal("password hashing has stopped".into()))?;
    answer
        .await
        .map_err(|_| AppError::Internal("password hashing dropped a job".into()))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(target_os = "linux")]
    #[tokio::test]
    async fn hashing_runs_at_a_lower_priority_than_the_rest() {
        // SAFETY: as in `lower_priority`.
        let nice = || unsafe {
            libc::getpriority(
                libc::PRIO_PROCESS,
                libc::syscall(libc::SYS_gettid) as libc::id_t,
            )
        };
        let here = nice();
        let there = run(move || Ok(nice())).await.unwrap();
        assert_eq!(there, (here + NICENESS).min(19), "here {here}");
        assert_eq!(nice(), here, "the calling thread keeps its priority");
    }

    #[tokio::test]
    async fn work_runs_on_a_hashing_thread_and_answers() {
        let name = run(|| Ok(std::thread::current().name().unwrap_or("").to_string()))
            .await
            .unwrap();
        assert!(name.starts_with("password-hashing-"), "{name}");
        let err = run(|| Err::<(), _>(AppError::Internal("no".into()))).await;
        assert!(err.is_err());
    }

    #[test]
    fn hashing_takes_half_the_cores_and_at_least_one() {
        assert_eq!(thread_count(1), 1);
        assert_eq!(thread_count(2), 1);
        assert_eq!(thread_count(3), 1);
        assert_eq!(thread_count(8), 4);
    }
}
