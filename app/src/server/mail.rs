//! Email. A message is written to the outbox (`mail_outbox`) in the same transaction as the
//! event it tells of, so it exists exactly when the event does; a background worker on every
//! server sends what is waiting.
//!
//! Several servers share the outbox: a worker claims a batch of rows in one statement (on
//! PostgreSQL `FOR UPDATE SKIP LOCKED`, so two workers never take the same row; SQLite has one
//! writer) and holds them for [`CLAIM_MS`]. A row is marked sent only by the worker that holds
//! it. A failed send is tried again later, less and less often, and given up after
//! [`MOST_TRIES`]. The one case sent twice: a server that dies after the mail server took the
//! message but before marking it sent; its claim lapses and the message goes again, with the
//! same `Message-ID`, so the receiving side can drop the copy.
//!
//! Where messages go: through SMTP when the server has `--smtp-url`, otherwise as `.eml`
//! files into a folder (the embedded default needs no mail server; the folder is printed at
//! start).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::ContentType;
pub use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::Row;

use super::clock::Clock;
use super::db::{Db, DbKind};
use super::error::AppError;
use crate::i18n::Lang;

/// How long a worker holds the rows it claimed before another may take them.
pub const CLAIM_MS: i64 = 5 * 60_000;

/// After this many failed tries a message is given up (about a day of retries).
pub const MOST_TRIES: i64 = 10;

/// Messages one worker claims at a time.
const BATCH: i64 = 20;

/// One message for the outbox.
#[derive(Debug, Clone)]
pub struct Outgoing {
    /// What it is about (`password.reset_link`, `passkey.added`, ...), for the operator.
    pub kind: &'static str,
    pub to: String,
    pub lang: Lang,
    pub subject: String,
    pub body: String,
}

/// Writes `message` to the outbox inside `tx`, the transaction of the event it tells of.
pub async fn enqueue(
    tx: &mut sqlx::AnyConnection,
    now: i64,
    message: &Outgoing,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO mail_outbox (kind, to_address, language, subject, body, created_at, next_try_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6)",
    )
    .bind(message.kind)
    .bind(&message.to)
    .bind(message.lang.code())
    .bind(&message.subject)
    .bind(&message.body)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The language a person reads their mail in: their profile's preferred language, else
/// English.
pub async fn language_of(tx: &mut sqlx::AnyConnection, user_id: i64) -> Result<Lang, AppError> {
    let code: Option<String> =
        sqlx::query_scalar("SELECT language FROM candidate_profiles WHERE user_id = $1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(code.as_deref().and_then(Lang::parse).unwrap_or(Lang::En))
}

/// A decision a person must hear about. The message says only that there is news and where
/// to read it after signing in: the decision itself stays behind the sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    ApplicationDecided,
    AccommodationDecided,
    ResultReleased,
}

/// Writes the notice of a decision about `user_id` to the outbox inside `tx`, in their
/// language; `site` is the public URL the link starts with.
pub async fn notify(
    tx: &mut sqlx::AnyConnection,
    now: i64,
    user_id: i64,
    notice: Notice,
    site: &str,
) -> Result<(), AppError> {
    let row = sqlx::query("SELECT email, display_name FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
    let email: String = row.try_get("email")?;
    let name: String = row.try_get("display_name")?;
    let lang = language_of(tx, user_id).await?;
    let site = site.trim_end_matches('/');
    let (kind, subject, body) = match notice {
        Notice::ApplicationDecided => (
            "application.decided",
            crate::t!(in lang, "mail-application-decided-subject"),
            crate::t!(in lang, "mail-application-decided-body", name = name.as_str(), link = format!("{site}/application").as_str()),
        ),
        Notice::AccommodationDecided => (
            "accommodation.decided",
            crate::t!(in lang, "mail-accommodation-decided-subject"),
            crate::t!(in lang, "mail-accommodation-decided-body", name = name.as_str(), link = format!("{site}/accommodations").as_str()),
        ),
        Notice::ResultReleased => (
            "result.released",
            crate::t!(in lang, "mail-result-released-subject"),
            crate::t!(in lang, "mail-result-released-body", name = name.as_str(), link = format!("{site}/dashboard").as_str()),
        ),
    };
    enqueue(
        tx,
        now,
        &Outgoing {
            kind,
            to: email,
            lang,
            subject,
            body,
        },
    )
    .await
}

/// Where messages go.
#[derive(Clone)]
pub enum Transport {
    /// `.eml` files in this folder, one per message, named by its outbox id.
    Folder(PathBuf),
    /// A mail server; `shown` is its URL without the password, for logs.
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        shown: String,
    },
}

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe())
    }
}

impl Transport {
    /// SMTP from a URL as lettre reads it: `smtp://host:25` (plain; `?tls=required` for
    /// STARTTLS), `smtps://user:password@host:465` (TLS from the start).
    pub fn smtp(url: &str) -> Result<Transport, String> {
        let builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| format!("--smtp-url: {e}"))?;
        Ok(Transport::Smtp {
            transport: builder.timeout(Some(Duration::from_secs(30))).build(),
            shown: super::db::redact(url),
        })
    }

    pub fn describe(&self) -> String {
        match self {
            Transport::Folder(dir) => format!("written as .eml files into {}", dir.display()),
            Transport::Smtp { shown, .. } => format!("sent through {shown}"),
        }
    }

    async fn send(&self, id: i64, message: Message) -> Result<(), String> {
        match self {
            Transport::Folder(dir) => {
                let bytes = message.formatted();
                let dir = dir.clone();
                tokio::task::spawn_blocking(move || write_eml(&dir, id, &bytes))
                    .await
                    .map_err(|e| e.to_string())?
            }
            Transport::Smtp { transport, .. } => transport
                .send(message)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string()),
        }
    }
}

/// Writes message `id` as `<dir>/<id>.eml`, whole or not at all (a temporary file renamed
/// into place); a message written again replaces its own file.
fn write_eml(dir: &Path, id: i64, bytes: &[u8]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let file = dir.join(format!("{id:08}.eml"));
    let partial = dir.join(format!(".{id:08}.eml.partial"));
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, &file))
        .map_err(|e| format!("{}: {e}", file.display()))
}

/// What the worker needs: where mail goes, who it is from, and this server's name for its
/// claims.
#[derive(Debug, Clone)]
pub struct Mailer {
    pub transport: Transport,
    pub from: Mailbox,
    /// Unique to this process, so its claims are its own.
    pub worker: String,
}

impl Mailer {
    pub fn new(transport: Transport, from: Mailbox) -> Result<Mailer, AppError> {
        Ok(Mailer {
            transport,
            from,
            worker: super::crypto::random_hex(8)?,
        })
    }
}

/// The default sender: `Certamen <no-reply@HOST>` for the site's host (`localhost` stays
/// as it is; mail servers may want a real domain, set with `--mail-from`).
pub fn default_from(public_url: &str) -> Mailbox {
    let host = public_url
        .split("://")
        .nth(1)
        .unwrap_or("localhost")
        .split(['/', ':'])
        .next()
        .filter(|h| !h.is_empty())
        .unwrap_or("localhost");
    format!("Certamen <no-reply@{host}>")
        .parse()
        .unwrap_or_else(|_| "Certamen <no-reply@localhost>".parse().expect("literal"))
}

/// How one pass went.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: u32,
    pub failed: u32,
}

/// Claims what is waiting and sends it. Safe to run in several servers at once.
pub async fn run_once(db: &Db, mailer: &Mailer, now: i64) -> Result<Pass, AppError> {
    // A read first: an idle outbox (most passes, on every server) costs no write, which on
    // SQLite would take the write lock the exam's saves share.
    let waiting: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM mail_outbox WHERE sent_at IS NULL AND given_up_at IS NULL \
         AND next_try_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1 OR claimed_by = $2) LIMIT 1",
    )
    .bind(now)
    .bind(&mailer.worker)
    .fetch_optional(&db.pool)
    .await?;
    if waiting.is_none() {
        return Ok(Pass::default());
    }
    let claim = format!(
        "UPDATE mail_outbox SET claimed_by = $1, claimed_until = $2, tries = tries + 1 \
         WHERE id IN (SELECT id FROM mail_outbox WHERE sent_at IS NULL AND given_up_at IS NULL \
         AND next_try_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3) \
         ORDER BY id LIMIT {BATCH}{})",
        if db.kind == DbKind::Postgres {
            " FOR UPDATE SKIP LOCKED"
        } else {
            ""
        }
    );
    db.write(
        sqlx::query(&claim)
            .bind(&mailer.worker)
            .bind(now + CLAIM_MS)
            .bind(now),
    )
    .await?;
    // What this worker holds: the rows just claimed, and any a failed pass left claimed.
    let claimed = sqlx::query(
        "SELECT id, to_address, subject, body, tries, created_at FROM mail_outbox \
         WHERE claimed_by = $1 AND sent_at IS NULL AND given_up_at IS NULL AND claimed_until > $2 ORDER BY id",
    )
    .bind(&mailer.worker)
    .bind(now)
    .fetch_all(&db.pool)
    .await?;
    let mut pass = Pass::default();
    for row in claimed {
        let id: i64 = row.try_get("id")?;
        let tries: i64 = row.try_get("tries")?;
        let built = build(
            mailer,
            id,
            row.try_get::<i64, _>("created_at")?,
            &row.try_get::<String, _>("to_address")?,
            row.try_get("subject")?,
            row.try_get("body")?,
        );
        let outcome = match built {
            Ok(message) => mailer.transport.send(id, message).await,
            // An address the message cannot even be built for will not get better.
            Err(e) => Err(format!("permanent: {e}")),
        };
        match outcome {
            Ok(()) => {
                db.write(
                    sqlx::query(
                        "UPDATE mail_outbox SET sent_at = $1, claimed_by = NULL, claimed_until = NULL, last_error = NULL \
                         WHERE id = $2 AND claimed_by = $3",
                    )
                    .bind(now)
                    .bind(id)
                    .bind(&mailer.worker),
                )
                .await?;
                pass.sent += 1;
            }
            Err(why) => {
                let give_up = tries >= MOST_TRIES || why.starts_with("permanent: ");
                tracing::warn!(message = id, tries, error = %why, given_up = give_up, "mail not sent");
                db.write(
                    sqlx::query(
                        "UPDATE mail_outbox SET claimed_by = NULL, claimed_until = NULL, last_error = $1, \
                         next_try_at = $2, given_up_at = $3 WHERE id = $4 AND claimed_by = $5",
                    )
                    .bind(why.chars().take(500).collect::<String>())
                    .bind(now + retry_after_ms(tries))
                    .bind(give_up.then_some(now))
                    .bind(id)
                    .bind(&mailer.worker),
                )
                .await?;
                pass.failed += 1;
            }
        }
    }
    Ok(pass)
}

/// The wait before try `tries + 1`: 30 s, doubling, at most 4 hours.
pub fn retry_after_ms(tries: i64) -> i64 {
    let doublings = u32::try_from(tries.clamp(1, 20) - 1).unwrap_or(0);
    (30_000i64 << doublings).min(4 * 3_600_000)
}

fn build(
    mailer: &Mailer,
    id: i64,
    created_at: i64,
    to: &str,
    subject: String,
    body: String,
) -> Result<Message, String> {
    let to: Mailbox = to.parse().map_err(|e| format!("the address {to:?}: {e}"))?;
    // The same for every try of this message: a receiver can drop a second copy.
    let domain = mailer.from.email.domain().to_string();
    Message::builder()
        .from(mailer.from.clone())
        .to(to)
        .subject(subject)
        .message_id(Some(format!("<certamen.{id}.{created_at}@{domain}>")))
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| e.to_string())
}

/// Runs the worker every `every` until the handle is aborted.
pub fn spawn(
    db: Db,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = run_once(&db, &mailer, clock.now_ms()).await {
                tracing::warn!(error = %e, "mail worker pass failed; will retry");
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_a_ceiling() {
        assert_eq!(retry_after_ms(1), 30_000);
        assert_eq!(retry_after_ms(2), 60_000);
        assert_eq!(retry_after_ms(5), 480_000);
        assert_eq!(retry_after_ms(20), 4 * 3_600_000);
        assert_eq!(retry_after_ms(0), 30_000);
    }

    #[test]
    fn the_sender_follows_the_sites_host() {
        assert_eq!(
            default_from("https://exam.example.org/").email.to_string(),
            "no-reply@exam.example.org"
        );
        assert_eq!(
            default_from("http://localhost:3000").email.to_string(),
            "no-reply@localhost"
        );
    }
}
