//! Where the CPU went, stretch by stretch: for each kind of the servers' threads and for the
//! generator, its time on a CPU and its time runnable but waiting for one (the kernel's
//! `/proc/PID/task/TID/schedstat`), and how busy the whole machine was (`/proc/stat`).
//!
//! A save's latency is its work plus its waits; on two cores shared by the server, the
//! generator and the database, the wait for a CPU is the one that grows when the cores run
//! short, and a thread that every save passes through (the SQLite group commit's writer)
//! passes its wait on to every save queued behind it. This is the profile that tells which.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::server::thread_kind;

/// A thread's (or a kind of threads') time on a CPU and time spent runnable, waiting for one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sched {
    pub on_cpu: Duration,
    pub waited: Duration,
}

impl Sched {
    fn since(self, before: Sched) -> Sched {
        Sched {
            on_cpu: self.on_cpu.saturating_sub(before.on_cpu),
            waited: self.waited.saturating_sub(before.waited),
        }
    }
}

impl std::ops::AddAssign for Sched {
    fn add_assign(&mut self, other: Sched) {
        self.on_cpu += other.on_cpu;
        self.waited += other.waited;
    }
}

/// The first two fields of a `schedstat` file: nanoseconds on a CPU, nanoseconds waiting on a
/// run queue.
fn sched_in(schedstat: &str) -> Option<Sched> {
    let mut fields = schedstat.split_whitespace();
    let on_cpu = fields.next()?.parse().ok()?;
    let waited = fields.next()?.parse().ok()?;
    Some(Sched {
        on_cpu: Duration::from_nanos(on_cpu),
        waited: Duration::from_nanos(waited),
    })
}

/// The threads under `task_dir` (`/proc/PID/task`) summed by kind (their name less a trailing
/// `-N`); `None` when the directory cannot be read (the process has gone). A thread that ends
/// while it is read is left out.
pub fn threads_sched(task_dir: &str) -> Option<BTreeMap<String, Sched>> {
    let mut kinds: BTreeMap<String, Sched> = BTreeMap::new();
    for thread in std::fs::read_dir(task_dir).ok()?.flatten() {
        let path = thread.path();
        let (Ok(stat), Ok(name)) = (
            std::fs::read_to_string(path.join("schedstat")),
            std::fs::read_to_string(path.join("comm")),
        ) else {
            continue;
        };
        if let Some(s) = sched_in(&stat) {
            *kinds.entry(thread_kind(name.trim())).or_default() += s;
        }
    }
    Some(kinds)
}

/// The busy and total clock ticks of every CPU so far, from `/proc/stat`'s first line (busy is
/// all but idle and iowait).
fn machine_ticks(stat: &str) -> Option<(u64, u64)> {
    let line = stat.lines().next()?;
    let mut fields = line.split_whitespace();
    if fields.next()? != "cpu" {
        return None;
    }
    let ticks: Vec<u64> = fields.map(|f| f.parse().ok()).collect::<Option<_>>()?;
    // user nice system idle iowait irq softirq steal [guest guest_nice, already in user].
    let total: u64 = ticks.iter().take(8).sum();
    let idle = ticks.get(3)? + ticks.get(4)?;
    Some((total - idle, total))
}

struct Snapshot {
    at_s: u64,
    servers: Option<BTreeMap<String, Sched>>,
    generator: Option<Sched>,
    machine: Option<(u64, u64)>,
}

/// Snapshots taken at the start of each stretch; [`Sampler::stretches`] turns them into what
/// each stretch spent.
#[derive(Default)]
pub struct Sampler {
    snapshots: Vec<Snapshot>,
}

impl Sampler {
    /// How many snapshots have been taken.
    pub fn taken(&self) -> usize {
        self.snapshots.len()
    }

    /// Reads the servers (by process id; a server that has gone reads as `None`) and this
    /// process, `at_s` seconds into the run; nothing when the last snapshot is as late.
    pub fn take(&mut self, at_s: u64, server_pids: &[Option<u32>]) {
        if self.snapshots.last().is_some_and(|s| s.at_s >= at_s) {
            return;
        }
        let mut servers: Option<BTreeMap<String, Sched>> = Some(BTreeMap::new());
        for pid in server_pids {
            let kinds = pid.and_then(|pid| threads_sched(&format!("/proc/{pid}/task")));
            match (kinds, servers.as_mut()) {
                (Some(kinds), Some(sum)) => {
                    for (kind, s) in kinds {
                        *sum.entry(kind).or_default() += s;
                    }
                }
                _ => servers = None,
            }
        }
        let generator = threads_sched("/proc/self/task").map(|kinds| {
            let mut all = Sched::default();
            for s in kinds.into_values() {
                all += s;
            }
            all
        });
        let machine = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| machine_ticks(&s));
        self.snapshots.push(Snapshot {
            at_s,
            servers,
            generator,
            machine,
        });
    }

    /// Per stretch between two snapshots: the machine's busy share, and per kind of the
    /// servers' threads and for the generator, the seconds on a CPU and waiting for one. A
    /// stretch across a server's kill or restart (its threads' counts start again) has no
    /// server figures.
    pub fn stretches(&self) -> Vec<serde_json::Value> {
        let secs = |s: Sched| {
            serde_json::json!({
                "cpu_s": s.on_cpu.as_secs_f64(),
                "waited_s": s.waited.as_secs_f64(),
            })
        };
        self.snapshots
            .windows(2)
            .map(|pair| {
                let (a, b) = (&pair[0], &pair[1]);
                let servers = match (&a.servers, &b.servers) {
                    (Some(before), Some(after)) if same_threads(before, after) => Some(
                        after
                            .iter()
                            .map(|(kind, s)| {
                                let was = before.get(kind).copied().unwrap_or_default();
                                (kind.clone(), secs(s.since(was)))
                            })
                            .collect::<BTreeMap<_, _>>(),
                    ),
                    _ => None,
                };
                let machine_busy = match (a.machine, b.machine) {
                    (Some((busy0, total0)), Some((busy1, total1))) if total1 > total0 => {
                        Some((busy1 - busy0) as f64 / (total1 - total0) as f64)
                    }
                    _ => None,
                };
                serde_json::json!({
                    "from_s": a.at_s,
                    "seconds": b.at_s - a.at_s,
                    "machine_busy": machine_busy,
                    "servers": servers,
                    "generator": match (a.generator, b.generator) {
                        (Some(before), Some(after)) => Some(secs(after.since(before))),
                        _ => None,
                    },
                })
            })
            .collect()
    }
}

/// One line per stretch of a report's `cpu_timeline`: the machine's busy share, then per kind
/// of thread (the servers' busiest kinds, and the generator) the cores it used and the
/// seconds per second it waited for one, as `kind cores/waited`.
pub fn print(timeline: &serde_json::Value) {
    let Some(stretches) = timeline.as_array() else {
        return;
    };
    println!(
        "where the CPU went, by {} s (kind cores used/seconds waiting for a core per second):",
        crate::stats::WINDOW_S
    );
    for s in stretches {
        let seconds = s["seconds"].as_f64().unwrap_or(0.0).max(1e-9);
        let rate = |v: &serde_json::Value| {
            format!(
                "{:.2}/{:.2}",
                v["cpu_s"].as_f64().unwrap_or(0.0) / seconds,
                v["waited_s"].as_f64().unwrap_or(0.0) / seconds
            )
        };
        let mut kinds: Vec<(&String, &serde_json::Value)> = s["servers"]
            .as_object()
            .map(|m| m.iter().collect())
            .unwrap_or_default();
        kinds.sort_by(|a, b| {
            let cpu = |v: &serde_json::Value| v["cpu_s"].as_f64().unwrap_or(0.0);
            cpu(b.1).total_cmp(&cpu(a.1))
        });
        let servers: Vec<String> = kinds
            .iter()
            .filter(|(_, v)| v["cpu_s"].as_f64().unwrap_or(0.0) / seconds >= 0.005)
            .map(|(kind, v)| format!("{kind} {}", rate(v)))
            .collect();
        println!(
            "  {}: machine {} | {} | generator {}",
            s["from_s"],
            s["machine_busy"]
                .as_f64()
                .map_or("-".into(), |b| format!("{:.0} %", b * 100.0)),
            if servers.is_empty() {
                "-".to_string()
            } else {
                servers.join(", ")
            },
            rate(&s["generator"])
        );
    }
}

/// Whether a server's counts can be compared: no kind's time went backwards (a restarted
/// server's threads count from zero again).
fn same_threads(before: &BTreeMap<String, Sched>, after: &BTreeMap<String, Sched>) -> bool {
    before.iter().all(|(kind, was)| {
        after
            .get(kind)
            .is_some_and(|now| now.on_cpu >= was.on_cpu && now.waited >= was.waited)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedstat_is_time_on_a_cpu_then_time_waiting() {
        assert_eq!(
            sched_in("8973280 115777 2\n"),
            Some(Sched {
                on_cpu: Duration::from_nanos(8_973_280),
                waited: Duration::from_nanos(115_777),
            })
        );
        assert_eq!(sched_in("8973280"), None);
        assert_eq!(sched_in("x 1 2"), None);
        let ours = threads_sched("/proc/self/task").expect("this process's threads");
        assert!(ours.values().any(|s| s.on_cpu > Duration::ZERO));
        assert_eq!(threads_sched("/proc/no-such-process/task"), None);
    }

    #[test]
    fn the_machine_is_busy_but_for_idle_and_iowait() {
        let stat = "cpu  300 10 90 500 100 0 0 0 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n";
        assert_eq!(machine_ticks(stat), Some((400, 1000)));
        assert_eq!(machine_ticks("intr 1 2 3"), None);
        assert_eq!(machine_ticks("cpu 1 2 x"), None);
    }

    #[test]
    fn a_stretch_is_the_difference_of_two_snapshots_and_a_restart_has_none() {
        let at = |cpu_ms: u64, waited_ms: u64| Sched {
            on_cpu: Duration::from_millis(cpu_ms),
            waited: Duration::from_millis(waited_ms),
        };
        let snapshot = |at_s, writer: Sched, machine| Snapshot {
            at_s,
            servers: Some(BTreeMap::from([("writer".to_string(), writer)])),
            generator: Some(at(1_000 * at_s, 0)),
            machine: Some(machine),
        };
        let sampler = Sampler {
            snapshots: vec![
                snapshot(0, at(1_000, 100), (100, 1_000)),
                snapshot(10, at(3_000, 600), (1_600, 3_000)),
                // Restarted: its counts began again.
                snapshot(20, at(200, 10), (3_000, 5_000)),
            ],
        };
        let s = sampler.stretches();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0]["machine_busy"], 0.75);
        assert_eq!(s[0]["servers"]["writer"]["cpu_s"], 2.0);
        assert_eq!(s[0]["servers"]["writer"]["waited_s"], 0.5);
        assert_eq!(s[0]["generator"]["cpu_s"], 10.0);
        assert!(s[1]["servers"].is_null());
        assert_eq!(s[1]["machine_busy"], 0.7);
    }
}
