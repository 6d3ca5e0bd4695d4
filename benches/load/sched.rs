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

use certamen_app::server::hashing::machine_ticks;

use crate::server::read_threads;

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

/// Each thread of process `pid`, by thread id: its kind (its name less a trailing `-N`) and
/// its times so far; `None` when the process cannot be read (it has gone). A thread that ends
/// while it is read is left out.
fn threads(pid: u32) -> Option<Threads> {
    let found = read_threads(&format!("/proc/{pid}/task"), "schedstat")?;
    Some(
        found
            .into_iter()
            .filter_map(|(tid, kind, text)| Some(((pid, tid), (kind, sched_in(&text)?))))
            .collect(),
    )
}

/// Threads by (process id, thread id): kind and times so far. Keyed by thread, not summed by
/// kind, so a thread that ends or a server that restarts or dies changes only its own part.
type Threads = BTreeMap<(u32, u32), (String, Sched)>;

/// What each kind of the threads in `after` spent since `before`: a thread in both, the
/// difference; a thread new since (a server restarted, a worker started), all it has spent,
/// which is all within the stretch. A thread that ended within the stretch is left out.
fn spent_by_kind(before: &Threads, after: &Threads) -> BTreeMap<String, Sched> {
    let mut kinds: BTreeMap<String, Sched> = BTreeMap::new();
    for (key, (kind, now)) in after {
        let was = before.get(key).map(|(_, s)| *s).unwrap_or_default();
        *kinds.entry(kind.clone()).or_default() += now.since(was);
    }
    kinds
}

struct Snapshot {
    /// The stretch's start as the timeline labels it (a multiple of its length).
    at_s: u64,
    /// When it was read, seconds since the run began: the stretch's true length comes from
    /// these (the watch loop may be late, or held up by a fault it makes).
    read_s: f64,
    /// `None` when no server could be read.
    servers: Option<Threads>,
    generator: Option<Threads>,
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

    /// Reads the servers (by process id; one that has gone is left out) and this process, at
    /// `read_s` seconds into the run, for the stretch labelled `at_s`; nothing when the last
    /// snapshot is as late.
    pub fn take(&mut self, at_s: u64, read_s: f64, server_pids: &[Option<u32>]) {
        if self.snapshots.last().is_some_and(|s| s.read_s >= read_s) {
            return;
        }
        let mut servers: Option<Threads> = None;
        for pid in server_pids.iter().flatten() {
            if let Some(found) = threads(*pid) {
                servers.get_or_insert_with(Threads::new).extend(found);
            }
        }
        let machine = std::fs::read_to_string("/proc/stat")
            .ok()
            .and_then(|s| machine_ticks(&s));
        self.snapshots.push(Snapshot {
            at_s,
            read_s,
            servers,
            generator: threads(std::process::id()),
            machine,
        });
    }

    /// Per stretch between two snapshots: its length, the machine's busy share, and per kind
    /// of the servers' threads and for the generator, the seconds on a CPU and waiting for
    /// one.
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
                let servers = b.servers.as_ref().map(|after| {
                    let before = a.servers.clone().unwrap_or_default();
                    spent_by_kind(&before, after)
                        .into_iter()
                        .map(|(kind, s)| (kind, secs(s)))
                        .collect::<BTreeMap<_, _>>()
                });
                let generator = match (&a.generator, &b.generator) {
                    (Some(before), Some(after)) => {
                        let mut all = Sched::default();
                        for s in spent_by_kind(before, after).into_values() {
                            all += s;
                        }
                        Some(secs(all))
                    }
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
                    "seconds": b.read_s - a.read_s,
                    "machine_busy": machine_busy,
                    "servers": servers,
                    "generator": generator,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn at(cpu_ms: u64, waited_ms: u64) -> Sched {
        Sched {
            on_cpu: Duration::from_millis(cpu_ms),
            waited: Duration::from_millis(waited_ms),
        }
    }

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
        let ours = threads(std::process::id()).expect("this process's threads");
        assert!(ours.values().any(|(_, s)| s.on_cpu > Duration::ZERO));
        assert!(ours.keys().all(|&(pid, _)| pid == std::process::id()));
        assert_eq!(threads(u32::MAX), None);
    }

    /// Two servers (pids 1 and 2) and the generator (pid 9): a stretch is what each thread
    /// spent in it, summed by kind, over its measured length. A second server killed, the
    /// first restarted (new pid 3), a worker that ended: each changes only its own part.
    #[test]
    fn a_stretch_is_what_each_thread_spent_in_it() {
        let threads = |list: &[((u32, u32), &str, Sched)]| -> Threads {
            list.iter()
                .map(|&(key, kind, s)| (key, (kind.to_string(), s)))
                .collect()
        };
        let snapshot = |at_s, read_s, servers: Threads, machine| Snapshot {
            at_s,
            read_s,
            servers: Some(servers),
            generator: Some(threads(&[((9, 9), "load", at(100 * at_s, 0))])),
            machine: Some(machine),
        };
        let sampler = Sampler {
            snapshots: vec![
                snapshot(
                    0,
                    0.2,
                    threads(&[
                        ((1, 10), "worker", at(1_000, 100)),
                        ((1, 11), "worker", at(500, 0)),
                        ((2, 20), "worker", at(700, 70)),
                        ((1, 12), "writer", at(50, 5)),
                    ]),
                    (100, 1_000),
                ),
                // 12.7 s later (the loop was held up); worker 11 ended; server 2 was killed.
                snapshot(
                    10,
                    12.9,
                    threads(&[
                        ((1, 10), "worker", at(3_000, 600)),
                        ((1, 12), "writer", at(250, 45)),
                    ]),
                    (1_600, 3_000),
                ),
                // Server 1 restarted as pid 3: its threads are new, all they spent is new.
                snapshot(
                    20,
                    22.9,
                    threads(&[((3, 30), "worker", at(400, 40))]),
                    (3_000, 5_000),
                ),
            ],
        };
        let s = sampler.stretches();
        assert_eq!(s.len(), 2);
        let seconds = s[0]["seconds"].as_f64().expect("a length");
        assert!(
            (seconds - 12.7).abs() < 1e-9,
            "the measured length, got {seconds}"
        );
        assert_eq!(s[0]["machine_busy"], 0.75);
        assert_eq!(s[0]["servers"]["worker"]["cpu_s"], 2.0);
        assert_eq!(s[0]["servers"]["worker"]["waited_s"], 0.5);
        assert_eq!(s[0]["servers"]["writer"]["cpu_s"], 0.2);
        assert_eq!(s[0]["generator"]["cpu_s"], 1.0);
        assert_eq!(s[1]["servers"]["worker"]["cpu_s"], 0.4);
        assert!(s[1]["servers"]["writer"].is_null());
        assert_eq!(s[1]["machine_busy"], 0.7);
    }

    #[test]
    fn a_stretch_with_no_server_to_read_has_no_server_figures() {
        let mut sampler = Sampler::default();
        sampler.take(0, 0.0, &[None]);
        sampler.take(10, 10.0, &[Some(u32::MAX)]);
        sampler.take(10, 5.0, &[]);
        assert_eq!(
            sampler.taken(),
            2,
            "a snapshot no later than the last is not taken"
        );
        let s = sampler.stretches();
        assert!(s[0]["servers"].is_null());
        assert!(s[0]["generator"]["cpu_s"].as_f64().is_some());
    }
}
