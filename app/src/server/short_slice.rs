//! A short time slice for a thread that every save waits on (the SQLite group commit's writer).
//!
//! Linux's scheduler (EEVDF, since 6.6) gives each thread a virtual deadline one time slice
//! ahead; since 6.12 a thread that wakes with an earlier deadline than the running one (a
//! shorter slice) takes the core at once, where with the usual slice (1.4 ms on the 2-core
//! test machine) it can wait for the running thread's slice to end. The load generator's
//! profile of the steady exam (2,000 candidates on 2 cores, its `cpu_timeline`) found the
//! writer waiting for a core 0.14 s of every second against 0.16 s on one: each commit waited
//! about as long for a core as it then ran, and every save of its batch waited with it.
//!
//! A thread's own slice (`sched_setattr` with `sched_runtime`, for the normal policy) asks for
//! that quicker start without raising its share of the CPU: its weight (nice 0) is unchanged,
//! and a thread that runs only a fraction of a millisecond per wake gains nothing else from
//! it. Kernels before 6.12 take the call and keep the usual slice.

/// The shortest slice the kernel takes (it clamps to 0.1–100 ms).
#[cfg(target_os = "linux")]
const SLICE_NS: u64 = 100_000;

/// Asks for a short time slice for the calling thread, keeping its nice value; logs and
/// carries on with the usual slice where the kernel refuses.
pub fn ask_for_calling_thread() {
    #[cfg(target_os = "linux")]
    if let Err(e) = set(SLICE_NS) {
        tracing::warn!(error = %e, "the group commit's thread keeps the usual time slice");
    }
}

/// `struct sched_attr` as the kernel's first version of it (48 bytes).
#[cfg(target_os = "linux")]
#[repr(C)]
struct SchedAttr {
    size: u32,
    sched_policy: u32,
    sched_flags: u64,
    sched_nice: i32,
    sched_priority: u32,
    sched_runtime: u64,
    sched_deadline: u64,
    sched_period: u64,
}

#[cfg(target_os = "linux")]
fn set(slice_ns: u64) -> std::io::Result<()> {
    // SAFETY: getpriority only reads its integer arguments (0: the calling thread, on Linux),
    // and `__errno_location` points at this thread's own errno, which is ours to clear and
    // read. getpriority answers -1 both for nice -1 and for an error; errno tells them apart.
    let nice = unsafe {
        *libc::__errno_location() = 0;
        libc::getpriority(libc::PRIO_PROCESS, 0)
    };
    // A nice value that cannot be read is not guessed (a thread inherits its creator's, so 0
    // could raise or lower it): the thread keeps the usual slice.
    if nice == -1 {
        let e = std::io::Error::last_os_error();
        if e.raw_os_error().is_some_and(|code| code != 0) {
            return Err(e);
        }
    }
    let attr = SchedAttr {
        size: std::mem::size_of::<SchedAttr>() as u32,
        sched_policy: libc::SCHED_OTHER as u32,
        sched_flags: 0,
        sched_nice: nice,
        sched_priority: 0,
        sched_runtime: slice_ns,
        sched_deadline: 0,
        sched_period: 0,
    };
    // SAFETY: the kernel reads `attr.size` bytes from `attr`, which is that size and outlives
    // the call; pid 0 is the calling thread and the last argument (flags) must be 0.
    let done = unsafe {
        libc::syscall(
            libc::SYS_sched_setattr,
            0 as libc::pid_t,
            &attr as *const SchedAttr,
            0u32,
        )
    };
    if done == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The thread's slice as `/proc/thread-self/sched` shows it (kernels that show it).
    fn slice_ns() -> Option<u64> {
        let sched = std::fs::read_to_string("/proc/thread-self/sched").ok()?;
        let line = sched.lines().find(|l| l.starts_with("se.slice"))?;
        line.split(':').nth(1)?.trim().parse().ok()
    }

    fn kernel_at_least(major: u32, minor: u32) -> bool {
        let release = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
        let mut parts = release
            .trim()
            .split(['.', '-'])
            .map(|p| p.parse::<u32>().ok());
        match (parts.next().flatten(), parts.next().flatten()) {
            (Some(a), Some(b)) => (a, b) >= (major, minor),
            _ => false,
        }
    }

    #[test]
    fn the_calling_thread_gets_the_short_slice_and_keeps_its_nice_value() {
        std::thread::spawn(|| {
            // A nice value of its own, to see it kept: 19, which any thread may take.
            // SAFETY: setpriority only reads its integer arguments; 0 is the calling thread.
            let lowered = unsafe { libc::setpriority(libc::PRIO_PROCESS, 0, 19) };
            assert_eq!(lowered, 0, "{}", std::io::Error::last_os_error());
            let before = slice_ns();
            set(SLICE_NS).expect("the kernel takes a slice for the normal policy");
            // SAFETY: getpriority only reads its integer arguments.
            let nice = unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) };
            assert_eq!(nice, 19, "the nice value is kept");
            let after = slice_ns();
            // Kernels before 6.12 take the call and keep the usual slice.
            if kernel_at_least(6, 12) {
                assert!(
                    before.is_some_and(|b| b != SLICE_NS),
                    "the usual slice is shown, and longer: {before:?}"
                );
                assert_eq!(after, Some(SLICE_NS));
            }
        })
        .join()
        .expect("the thread ran");
    }
}
