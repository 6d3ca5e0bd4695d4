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
//! The hashing threads also run in Linux's idle scheduling class (nice 10 where that cannot be
//! had; see `lower_priority`). Hashing is what the arrival spends its CPU on; without it, the
//! candidates already answering questions shared the cores with it evenly, and their saves
//! waited hundreds of milliseconds while the last ones signed in. In the idle class a hashing
//! thread gives way whenever a request's thread wakes, and runs in every idle moment: sign-ins
//! take longer while the exam runs, and no one in it waits for them.

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

/// How much less the scheduler favours a hashing thread than a request's (nice 0 to 19),
/// where the idle class cannot be had.
const NICENESS: i32 = 10;

/// Puts the calling thread in Linux's idle scheduling class (`SCHED_IDLE`), or else lowers its
/// priority by [`NICENESS`]; on Linux both are a thread's own, so the server's other threads
/// stay as they are. Where both fail, hashing runs at the usual priority, as before.
///
/// Why the idle class: at nice 10 the hashing thread still took 0.7 of the 2 cores while 2,000
/// candidates arrived (a profile of the arrival), and a request's thread woken beside it could
/// wait for the hashing thread's time slice to end; saves in that stretch had a p99 of 130 to
/// 170 ms against 15 ms in the steady exam. A thread of the idle class gives way the moment
/// another wakes, and runs on what the exam leaves.
fn lower_priority() {
    #[cfg(target_os = "linux")]
    {
        let param = libc::sched_param { sched_priority: 0 };
        // SAFETY: sched_setscheduler reads `param`, which outlives the call; pid 0 is the
        // calling thread.
        if unsafe { libc::sched_setscheduler(0, libc::SCHED_IDLE, &param) } == 0 {
            return;
        }
        let idle_error = std::io::Error::last_os_error();
        // SAFETY: gettid, getpriority and setpriority only read their integer arguments.
        let done = unsafe {
            let tid = libc::syscall(libc::SYS_gettid) as libc::id_t;
            let now = libc::getpriority(libc::PRIO_PROCESS, tid);
            libc::setpriority(libc::PRIO_PROCESS, tid, (now + NICENESS).min(19))
        };
        if done != 0 {
            tracing::warn!(
                "password hashing keeps the usual priority: {idle_error}; {}",
                std::io::Error::last_os_error()
            );
        } else {
            tracing::info!("password hashing runs at nice +{NICENESS}: {idle_error}");
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
    async fn hashing_runs_in_the_idle_scheduling_class() {
        // SAFETY: sched_getscheduler only reads its integer argument (0: the calling thread).
        let policy = || unsafe { libc::sched_getscheduler(0) };
        let here = policy();
        let there = run(move || Ok(policy())).await.unwrap();
        assert_eq!(there, libc::SCHED_IDLE, "here {here}");
        assert_eq!(policy(), here, "the calling thread keeps its class");
        assert_ne!(here, libc::SCHED_IDLE);
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
