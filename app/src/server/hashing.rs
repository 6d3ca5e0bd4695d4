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
//!
//! The idle class alone was not enough on the 2-core test machine: a thread of the idle class
//! that never sleeps (a plain busy loop, measured in the steady exam) raised the saves' p50
//! from 2 ms to 4–59 ms and their p99 from about 25 ms to 105–318 ms, while the same loop
//! resting as long as it ran (15 ms on, 15 ms off) changed nothing measurable. So a hashing
//! thread rests after each hash, as long as the hash took of its CPU time, whenever the rest
//! of the machine is busy (see [`Pacer`]); when it is not (sign-ins before the exam opens),
//! it hashes back to back.

use std::sync::mpsc;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio::sync::oneshot;

use super::error::AppError;

/// A job: computes and answers its requester (true), or does nothing when the requester has
/// gone (false).
type Job = Box<dyn FnOnce() -> bool + Send>;

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
                    let mut pacer = Pacer::default();
                    loop {
                        // The lock is held only while waiting for the next job.
                        let job = match receiver.lock() {
                            Ok(r) => r.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        let Ok(job) = job else { return };
                        let began = thread_cpu();
                        if job() {
                            let spent = thread_cpu().saturating_sub(began);
                            std::thread::sleep(pacer.rest_after(spent));
                        }
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

/// When the rest of the machine (every core, less this thread) was busier than this share
/// over the last [`Pacer::WINDOW`], a hashing thread rests after each hash. The steady exam of
/// 2,000 candidates kept the 2 test cores 85–89 % busy (`vmstat`, the load generator
/// included), so during an exam hashing rests, and before it opens it does not.
const BUSY_ELSEWHERE: f64 = 0.5;

/// The longest rest after one hash, should a hash ever take long (a stalled machine).
const MAX_REST: Duration = Duration::from_millis(200);

/// Decides a hashing thread's rests from the machine's CPU time (`/proc/stat`) and the
/// thread's own, sampled at most once per [`Pacer::WINDOW`]: a hash takes about 15 ms, and
/// `/proc/stat` counts in 10 ms ticks. Where either cannot be read, it never rests.
#[derive(Debug, Default)]
struct Pacer {
    last: Option<CpuSample>,
    resting: bool,
}

/// CPU seconds at one moment: the machine's busy and total over all cores, this thread's own.
#[derive(Debug, Clone, Copy)]
struct CpuSample {
    at: Instant,
    machine_busy: f64,
    machine_total: f64,
    own: f64,
}

impl Pacer {
    const WINDOW: Duration = Duration::from_millis(250);

    /// How long to rest after a hash that took `took` of this thread's CPU time (not the wall
    /// clock's: a hash preempted by requests would otherwise earn a longer rest).
    fn rest_after(&mut self, took: Duration) -> Duration {
        if self.last.is_none_or(|l| l.at.elapsed() >= Self::WINDOW) {
            self.observe(sample_cpu());
        }
        if self.resting {
            took.min(MAX_REST)
        } else {
            Duration::ZERO
        }
    }

    /// Takes a new sample: rests from now on while the rest of the machine was busier than
    /// [`BUSY_ELSEWHERE`] since the last one. A missing sample leaves the decision as it was.
    fn observe(&mut self, now: Option<CpuSample>) {
        if let (Some(before), Some(now)) = (self.last, now) {
            self.resting = busy_elsewhere(&before, &now) > BUSY_ELSEWHERE;
        }
        self.last = now;
    }
}

/// The share of the machine's CPU time between two samples spent other than by this thread.
fn busy_elsewhere(before: &CpuSample, now: &CpuSample) -> f64 {
    let total = now.machine_total - before.machine_total;
    if total <= 0.0 {
        return 0.0;
    }
    let busy = (now.machine_busy - before.machine_busy) - (now.own - before.own);
    (busy / total).clamp(0.0, 1.0)
}

/// The machine's busy and total CPU time, in ticks, from `/proc/stat`'s first line (`cpu`,
/// then user, nice, system, idle, iowait, irq, softirq, steal, ...): idle and iowait are not
/// busy. The load generator reads the machine with it too.
pub fn machine_ticks(proc_stat: &str) -> Option<(u64, u64)> {
    let line = proc_stat.lines().next()?;
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let n: Vec<u64> = fields
        .take(8)
        .map(str::parse)
        .collect::<Result<_, _>>()
        .ok()?;
    if n.len() < 5 {
        return None;
    }
    let total: u64 = n.iter().sum();
    Some((total - n[3] - n[4], total))
}

#[cfg(target_os = "linux")]
fn sample_cpu() -> Option<CpuSample> {
    let (busy, total) = machine_ticks(&std::fs::read_to_string("/proc/stat").ok()?)?;
    // SAFETY: sysconf reads an integer argument.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if hz <= 0 {
        return None;
    }
    let hz = hz as f64;
    Some(CpuSample {
        at: Instant::now(),
        machine_busy: busy as f64 / hz,
        machine_total: total as f64 / hz,
        own: thread_cpu().as_secs_f64(),
    })
}

#[cfg(not(target_os = "linux"))]
fn sample_cpu() -> Option<CpuSample> {
    None
}

/// The calling thread's CPU time so far (zero where it cannot be read).
fn thread_cpu() -> Duration {
    #[cfg(target_os = "linux")]
    {
        let mut t = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: clock_gettime writes the calling thread's CPU time into `t`, which it owns.
        if unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) } == 0 {
            return Duration::new(t.tv_sec as u64, t.tv_nsec as u32);
        }
    }
    Duration::ZERO
}

/// Runs `work` on a hashing thread and waits for its answer. Dropping the returned future
/// before the work starts cancels it.
pub async fn run<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    let (reply, answer) = oneshot::channel::<Result<T, AppError>>();
    let job: Job = Box::new(move || {
        if reply.is_closed() {
            return false;
        }
        let _ = reply.send(work());
        true
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
    fn the_machine_s_cpu_time_is_read_from_proc_stat() {
        let stat = "cpu  100 5 20 800 10 1 2 3 0 0\ncpu0 50 2 10 400 5 0 1 1 0 0\n";
        assert_eq!(machine_ticks(stat), Some((131, 941)));
        assert_eq!(
            machine_ticks("cpu0 1 2 3 4 5\n"),
            None,
            "not the total line"
        );
        assert_eq!(machine_ticks("cpu 1 2 x 4 5\n"), None);
        assert_eq!(machine_ticks("cpu 1 2 3\n"), None, "too few fields");
        assert_eq!(machine_ticks(""), None);
    }

    fn at(machine_busy: f64, machine_total: f64, own: f64) -> CpuSample {
        CpuSample {
            at: Instant::now(),
            machine_busy,
            machine_total,
            own,
        }
    }

    #[test]
    fn the_thread_s_own_time_is_not_counted_as_the_machine_s_load() {
        // 2 cores over 1 s: 2 s in all, 1.6 s busy, 0.9 s of it this thread's.
        let share = busy_elsewhere(&at(10.0, 20.0, 3.0), &at(11.6, 22.0, 3.9));
        assert!((share - 0.35).abs() < 1e-9, "{share}");
        assert_eq!(busy_elsewhere(&at(1.0, 2.0, 0.0), &at(1.0, 2.0, 0.0)), 0.0);
    }

    #[test]
    fn a_hashing_thread_rests_as_long_as_it_hashed_only_while_the_machine_is_busy() {
        let took = Duration::from_millis(15);
        let mut quiet = Pacer::default();
        assert_eq!(
            quiet.rest_after(took),
            Duration::ZERO,
            "nothing measured yet"
        );
        // Over half the machine busy elsewhere: rests; then a quiet spell: no longer.
        let mut pacer = Pacer::default();
        pacer.observe(Some(at(0.0, 0.0, 0.0)));
        assert!(!pacer.resting, "one sample decides nothing");
        pacer.observe(Some(at(1.6, 2.0, 0.4)));
        assert!(pacer.resting, "1.2 s of 2 s elsewhere");
        pacer.observe(Some(at(2.6, 4.0, 0.8)));
        assert!(!pacer.resting, "0.6 s of 2 s elsewhere");
        pacer.observe(None);
        assert!(!pacer.resting && pacer.last.is_none());
        // A sample whose window has not passed: the last decision stands.
        let mut busy = Pacer {
            last: Some(CpuSample {
                at: Instant::now() + Duration::from_secs(3600),
                ..at(0.0, 0.0, 0.0)
            }),
            resting: true,
        };
        assert_eq!(busy.rest_after(took), took);
        assert_eq!(
            busy.rest_after(Duration::from_secs(5)),
            MAX_REST,
            "a rest is capped"
        );
    }

    #[test]
    fn hashing_takes_half_the_cores_and_at_least_one() {
        assert_eq!(thread_count(1), 1);
        assert_eq!(thread_count(2), 1);
        assert_eq!(thread_count(3), 1);
        assert_eq!(thread_count(8), 4);
    }
}
