//! One simulated candidate: signs in, starts the exam, reads each question, saves answers with
//! think time (changing some), moves on with Next, skips the break where the exam offers it,
//! opens the review page and submits, as a browser with JavaScript would (page reads, the
//! instant-save endpoint, form posts). Next, with the answer acknowledged, loads the page the
//! button's `data-href` names, as the page's script does; where it names none (into the
//! break), or with `--next-by-form` (a browser without script), it posts the question form,
//! which carries the chosen answer, already saved, so it changes nothing. A request cut off by the network or a server error is sent
//! again, the same save with the same sequence number, as the page does; with several servers,
//! the retry may go to another one, as behind a load balancer (`balancer.rs`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rand::RngExt;
use rand_chacha::rand_core::SeedableRng;
use reqwest::header::{ACCEPT, LOCATION};
use reqwest::{redirect, Client, StatusCode};

use crate::balancer::Balancer;
use crate::stats::Stats;

/// How long a sign-in may take before the candidate tries again. A browser waits minutes for
/// an answer; giving up sooner (the other requests' 30 s) sends the candidate to the back of
/// the hashing queue with the work already queued for it wasted.
const SIGN_IN_TIMEOUT: Duration = Duration::from_secs(120);

pub struct Plan {
    pub servers: Arc<Balancer>,
    pub password: String,
    pub questions: u32,
    pub saves_per_item: u32,
    pub think: Duration,
    /// When the exam opens for this candidate, after signing in (a check-in); `None`: at once.
    pub start_at: Option<tokio::time::Instant>,
    /// Post the question form for Next even where a link would do.
    pub next_by_form: bool,
    /// Give up on a request after retrying this long.
    pub patience: Duration,
    /// Leave without submitting (the deadline finalizer submits).
    pub abandon: bool,
}

/// A save the server acknowledged, or one sent without an answer (it may or may not have been
/// stored: the answer was lost).
#[derive(Debug, Clone)]
pub struct Save {
    pub seq: i64,
    pub position: u32,
    pub letter: char,
    pub acked: bool,
}

#[derive(Debug, Default)]
pub struct Outcome {
    pub email: String,
    pub attempt: Option<String>,
    pub saves: Vec<Save>,
    pub submitted: bool,
    pub failure: Option<String>,
}

struct Session {
    client: Client,
    plan: Arc<Plan>,
    stats: Arc<Stats>,
    rng: rand_chacha::ChaCha20Rng,
}

enum Try {
    Done(reqwest::Response),
    Again(String),
}

impl Session {
    fn server(&mut self) -> (usize, String) {
        let (k, base) = self.plan.servers.pick(&mut self.rng);
        (k, base.to_string())
    }

    /// Sends a request built by `make` (given a server's base URL) until it is answered with
    /// something other than a network error or a server error, or patience runs out.
    async fn send(
        &mut self,
        kind: &'static str,
        make: impl Fn(&Client, &str) -> reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, String> {
        let started = Instant::now();
        let mut wait = Duration::from_millis(500);
        loop {
            let (k, base) = self.server();
            let t = Instant::now();
            let result = match make(&self.client, &base).send().await {
                Ok(r) if r.status().is_server_error() => {
                    self.stats.server_error(r.status().as_u16());
                    Try::Again(format!("{} from {base}", r.status()))
                }
                Ok(r) => Try::Done(r),
                Err(e) => {
                    if e.is_connect() {
                        self.plan.servers.refused(k);
                    }
                    Try::Again(format!("{e} ({base})"))
                }
            };
            match result {
                Try::Done(r) => {
                    self.stats.ok(kind, t.elapsed());
                    return Ok(r);
                }
                Try::Again(why) => {
                    self.stats.error(kind, why.clone());
                    if started.elapsed() > self.plan.patience {
                        return Err(format!(
                            "{kind}: gave up after {:?}: {why}",
                            started.elapsed()
                        ));
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_secs(3));
                }
            }
        }
    }

    async fn think(&mut self) {
        let f: f64 = self.rng.random_range(0.5..1.5);
        tokio::time::sleep(self.plan.think.mul_f64(f)).await;
    }
}

fn location(r: &reqwest::Response) -> String {
    r.headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn between<'a>(s: &'a str, a: &str, b: &str) -> Option<&'a str> {
    let start = s.find(a)? + a.len();
    let end = s[start..].find(b)? + start;
    Some(&s[start..end])
}

/// Sits the exam as `email`; returns what happened, every save included.
/// `in_exam` counts the candidates between starting their attempt and leaving it.
pub async fn sit(
    email: String,
    seed: u64,
    plan: Arc<Plan>,
    stats: Arc<Stats>,
    in_exam: Arc<AtomicI64>,
) -> Outcome {
    let mut out = Outcome {
        email: email.clone(),
        ..Default::default()
    };
    let client = Client::builder()
        .cookie_store(true)
        .redirect(redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let mut s = Session {
        client,
        plan: plan.clone(),
        stats,
        rng: rand_chacha::ChaCha20Rng::seed_from_u64(seed),
    };
    if let Err(e) = run(&mut s, &email, &mut out, &in_exam).await {
        out.failure = Some(e);
    }
    if out.attempt.is_some() {
        in_exam.fetch_sub(1, Ordering::Relaxed);
    }
    out
}

async fn run(
    s: &mut Session,
    email: &str,
    out: &mut Outcome,
    in_exam: &AtomicI64,
) -> Result<(), String> {
    let password = s.plan.password.clone();
    let r = s
        .send("sign_in", |c, base| {
            c.post(format!("{base}/auth/signin"))
                .form(&[("email", email), ("password", password.as_str())])
                .timeout(SIGN_IN_TIMEOUT)
        })
        .await?;
    let to = location(&r);
    if !to.ends_with("/dashboard") {
        return Err(format!("sign-in answered {} to {to:?}", r.status()));
    }
    if let Some(at) = s.plan.start_at {
        tokio::time::sleep_until(at).await;
    }
    let r = s
        .send("start", |c, base| {
            c.post(format!("{base}/exams/peer-support/attempts"))
                .header(ACCEPT, "text/html")
                .form(&[("language", "en")])
        })
        .await?;
    let to = location(&r);
    let attempt = to.split('/').nth(2).unwrap_or("").to_string();
    if attempt.len() != 32 {
        return Err(format!("start answered {} to {to:?}", r.status()));
    }
    out.attempt = Some(attempt.clone());
    in_exam.fetch_add(1, Ordering::Relaxed);
    let mut seq: i64 = 0;
    for position in 1..=s.plan.questions {
        let path = format!("/attempts/{attempt}/items/{position}");
        let r = s
            .send("item", |c, base| {
                c.get(format!("{base}{path}")).header(ACCEPT, "text/html")
            })
            .await?;
        if r.status() != StatusCode::OK {
            return Err(format!("{path} answered {}", r.status()));
        }
        let html = r.text().await.map_err(|e| e.to_string())?;
        seq = between(&html, "name=\"seq\" value=\"", "\"")
            .and_then(|v| v.parse::<i64>().ok())
            .ok_or_else(|| format!("{path}: no sequence number on the page"))?
            .max(seq + 1);
        let mut previous: Option<char> = None;
        for _ in 0..s.plan.saves_per_item {
            s.think().await;
            // A change of mind: another option than the one chosen (the same one again would
            // change nothing and be answered as such, with nothing new to store).
            let letter = loop {
                let l = char::from(b'A' + s.rng.random_range(0..4u8));
                if Some(l) != previous {
                    break l;
                }
            };
            previous = Some(letter);
            let form = [
                ("attempt_id", attempt.clone()),
                ("position", position.to_string()),
                ("choices", letter.to_string()),
                ("flagged", "false".to_string()),
                ("seq", seq.to_string()),
            ];
            let sent = s
                .send("save", |c, base| {
                    c.post(format!("{base}/api/save_answer")).form(&form)
                })
                .await;
            let acked = matches!(&sent, Ok(r) if r.status() == StatusCode::OK);
            out.saves.push(Save {
                seq,
                position,
                letter,
                acked,
            });
            match sent {
                Ok(r) if r.status() == StatusCode::OK => {}
                Ok(r) => {
                    let status = r.status();
                    let body = r.text().await.unwrap_or_default();
                    return Err(format!(
                        "save {seq} of question {position}: {status} {body}"
                    ));
                }
                Err(e) => return Err(e),
            }
            seq += 1;
        }
        // Next, as the page's script does it: every save here was acknowledged, so the page
        // the button names is loaded directly, by the next question's read (after the last
        // question, the review's, as its Review button would).
        let link = between(&html, "data-href=\"", "\"");
        if let (Some(href), false) = (link, s.plan.next_by_form) {
            let expected = format!("/attempts/{attempt}/items/{}", position + 1);
            if position < s.plan.questions && href != expected {
                return Err(format!("{path}: Next leads to {href:?}, not {expected:?}"));
            }
            continue;
        }
        // Otherwise the question form, with the answer as saved.
        let path = format!("/attempts/{attempt}/items/{position}/answer");
        let choice = previous.map(String::from).unwrap_or_default();
        let form = [
            ("choice", choice),
            ("seq", seq.to_string()),
            ("go", "next".to_string()),
        ];
        let r = s
            .send("next", |c, base| {
                c.post(format!("{base}{path}"))
                    .header(ACCEPT, "text/html")
                    .form(&form)
            })
            .await?;
        let to = location(&r);
        if r.status() != StatusCode::SEE_OTHER || to.is_empty() {
            return Err(format!("{path} answered {} to {to:?}", r.status()));
        }
        if to.ends_with("/break") {
            let path = format!("/attempts/{attempt}/break/action");
            let r = s
                .send("break", |c, base| {
                    c.post(format!("{base}{path}"))
                        .header(ACCEPT, "text/html")
                        .form(&[("action", "skip")])
                })
                .await?;
            if !r.status().is_redirection() {
                return Err(format!("{path} answered {}", r.status()));
            }
        }
    }
    let path = format!("/attempts/{attempt}/review");
    let r = s
        .send("review", |c, base| {
            c.get(format!("{base}{path}")).header(ACCEPT, "text/html")
        })
        .await?;
    if r.status() != StatusCode::OK {
        return Err(format!("{path} answered {}", r.status()));
    }
    if s.plan.abandon {
        return Ok(());
    }
    let path = format!("/attempts/{attempt}/submit");
    let r = s
        .send("submit", |c, base| {
            c.post(format!("{base}{path}"))
                .header(ACCEPT, "text/html")
                .form(&[("confirm", "yes")])
        })
        .await?;
    let to = location(&r);
    out.submitted = to.ends_with("/report");
    if !out.submitted {
        return Err(format!("submit answered {} to {to:?}", r.status()));
    }
    Ok(())
}
