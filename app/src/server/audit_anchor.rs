//! The audit log's anchor: signed checkpoints kept outside the database.
//!
//! The chain in `audit` shows an entry changed, removed or inserted, but only to someone who
//! trusts the chain itself: whoever holds the database can rewrite entries, recompute every
//! SHA-256 after them and drop the append-only triggers. So the server signs, with an Ed25519
//! key that is not in the database, a checkpoint of the entries it has seen (their sequence
//! numbers and hashes, the newest being the chain's head), and appends each checkpoint as one
//! JSON line to a log file the operator ships elsewhere. `verify` compares the database with
//! the checkpoints: a rewritten entry no longer has its signed hash, a removed or inserted one
//! moves every later number, and a log cut short lacks entries a checkpoint has seen. Only
//! the key's holder can sign a checkpoint, and the verifier is given the public key apart from
//! the file (`--public-key`, or the key file), so a forged log signs nothing either.
//!
//! A checkpoint lists every entry's hash since the previous one (64 hex characters an entry),
//! so `verify` names the first entry that differs rather than a range. The server never signs
//! entries that do not chain onto what it signed before: a log rewritten while it ran stops
//! the checkpoints and is reported, instead of being endorsed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::audit::{Entry, GENESIS};
use super::clock::Clock;
use super::crypto::{from_hex, hex};
use super::db::Db;

/// The environment variable that may hold the signing key itself (64 hex characters, the
/// Ed25519 seed), for servers that get secrets from their environment rather than a file.
pub const KEY_ENV: &str = "CERTAMEN_AUDIT_KEY";

/// The most entries one checkpoint line lists, so a first checkpoint of a long log is several
/// lines of bounded size rather than one huge one.
const MOST_PER_LINE: i64 = 1_000;

/// Where the key and the checkpoint log live and how often checkpoints are made.
#[derive(Debug, Clone)]
pub struct AnchorConfig {
    /// The signing key's file, made (readable by its owner only) on first start if absent;
    /// its public key is written beside it as `<file>.pub`. Ignored when [`KEY_ENV`] is set.
    pub key_file: PathBuf,
    /// The checkpoint log: one signed JSON line per checkpoint, only ever appended to.
    pub log_file: PathBuf,
    /// A checkpoint once this many new entries are waiting...
    pub every_entries: i64,
    /// ...or once the oldest waiting entry's checkpoint is this late.
    pub every: Duration,
}

impl AnchorConfig {
    /// The files `certamen serve` uses unless told otherwise, in its working folder.
    pub fn in_folder(folder: &Path) -> AnchorConfig {
        AnchorConfig {
            key_file: folder.join("certamen-audit.key"),
            log_file: folder.join("certamen-audit-checkpoints.jsonl"),
            every_entries: 100,
            every: Duration::from_secs(60),
        }
    }
}

/// One signed checkpoint: entries `from_seq..=seq` had these hashes, the last being `hash`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checkpoint {
    pub from_seq: i64,
    pub seq: i64,
    pub hash: String,
    /// When it was signed (ms since the epoch, the server's clock).
    pub at: i64,
    /// The hashes of entries `from_seq..=seq`, in order.
    pub hashes: Vec<String>,
    /// The signer's public key (hex): which key to check it with, not a reason to trust it.
    pub public_key: String,
    /// Ed25519 over [`Checkpoint::message`] (hex).
    pub signature: String,
}

impl Checkpoint {
    /// The signed text: every field but the signature, as a JSON array (no two different
    /// checkpoints share it), under a label so it cannot be taken for any other signed text.
    fn message(&self) -> Vec<u8> {
        serde_json::json!([
            "certamen audit checkpoint v1",
            self.from_seq,
            self.seq,
            self.hash,
            self.at,
            self.hashes,
            self.public_key
        ])
        .to_string()
        .into_bytes()
    }

    fn signed(mut self, key: &SigningKey) -> Checkpoint {
        self.public_key = hex(key.verifying_key().as_bytes());
        self.signature = hex(&key.sign(&self.message()).to_bytes());
        self
    }

    /// Whether `key` signed exactly this checkpoint, and its fields agree with each other.
    pub fn is_signed_by(&self, key: &VerifyingKey) -> bool {
        let count = self.seq - self.from_seq + 1;
        if self.from_seq < 1
            || i64::try_from(self.hashes.len()).ok() != Some(count)
            || self.hashes.last() != Some(&self.hash)
        {
            return false;
        }
        let Some(signature) = from_hex(&self.signature)
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
        else {
            return false;
        };
        key.verify_strict(&self.message(), &signature).is_ok()
    }
}

/// The signing key: from [`KEY_ENV`] when set, else from `file`, made there if absent.
/// Returns the key and whether it was made now.
pub fn load_or_create_key(file: &Path) -> anyhow::Result<(SigningKey, bool)> {
    if let Some(key) = existing_key(file)? {
        return Ok((key, false));
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no OS randomness: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    // Two servers starting at once: the first to create the file wins, the other reads it.
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(file) {
        Ok(mut f) => {
            writeln!(f, "{}", hex(&seed))
                .and_then(|()| f.sync_all())
                .with_context(|| format!("cannot write the audit key file {}", file.display()))?;
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return load_or_create_key(file);
        }
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot create the audit key file {}", file.display()))
        }
    }
    std::fs::write(
        public_key_file(file),
        format!("{}\n", hex(key.verifying_key().as_bytes())),
    )
    .with_context(|| format!("cannot write {}", public_key_file(file).display()))?;
    Ok((key, true))
}

/// Where the public key of the key in `key_file` is written: `<key_file>.pub`.
pub fn public_key_file(key_file: &Path) -> PathBuf {
    let mut name = key_file.as_os_str().to_owned();
    name.push(".pub");
    PathBuf::from(name)
}

fn parse_key(text: &str) -> anyhow::Result<SigningKey> {
    let seed = from_hex(text.trim())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .context("an Ed25519 signing key must be 64 hex characters")?;
    Ok(SigningKey::from_bytes(&seed))
}

/// A public key given as 64 hex characters (as printed at start and kept in `<key>.pub`).
pub fn parse_public_key(text: &str) -> anyhow::Result<VerifyingKey> {
    let bytes = from_hex(text.trim())
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .context("an Ed25519 public key must be 64 hex characters")?;
    VerifyingKey::from_bytes(&bytes).context("not a valid Ed25519 public key")
}

/// The public key to verify with: the one given, else the one in the key file.
pub fn verifying_key(public_key: Option<&str>, key_file: &Path) -> anyhow::Result<VerifyingKey> {
    if let Some(text) = public_key {
        return parse_public_key(text).context("--public-key");
    }
    let pub_file = public_key_file(key_file);
    if let Ok(text) = std::fs::read_to_string(&pub_file) {
        return parse_public_key(&text).with_context(|| format!("{}", pub_file.display()));
    }
    match existing_key(key_file).and_then(|key| {
        key.with_context(|| format!("there is no audit key file {}", key_file.display()))
    }) {
        Ok(key) => Ok(key.verifying_key()),
        Err(e) => Err(e.context(format!(
            "give the server's audit public key with --public-key (printed at start; kept in {})",
            pub_file.display()
        ))),
    }
}

/// The signing key from [`KEY_ENV`] or `file`; `None` when neither is there.
fn existing_key(file: &Path) -> anyhow::Result<Option<SigningKey>> {
    if let Ok(text) = std::env::var(KEY_ENV) {
        return parse_key(&text)
            .map(Some)
            .with_context(|| format!("the environment variable {KEY_ENV}"));
    }
    match std::fs::read_to_string(file) {
        Ok(text) => parse_key(&text)
            .map(Some)
            .with_context(|| format!("the audit key file {}", file.display())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => {
            Err(e).with_context(|| format!("cannot read the audit key file {}", file.display()))
        }
    }
}

/// Reads a checkpoint log; a line that is not a checkpoint is an error naming the line.
pub fn read_log(file: &Path) -> anyhow::Result<Vec<Checkpoint>> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read the checkpoint log {}", file.display()))?;
    let mut checkpoints = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let checkpoint: Checkpoint = serde_json::from_str(line)
            .with_context(|| format!("{} line {}: not a checkpoint", file.display(), n + 1))?;
        checkpoints.push(checkpoint);
    }
    Ok(checkpoints)
}

/// The newest checkpoint in the log's last [`TAIL_BYTES`] that `key` signed, if any. Only the
/// tail is read: the log grows all year, and a start needs only where it left off.
fn newest_signed(file: &Path, key: &VerifyingKey) -> anyhow::Result<Option<Checkpoint>> {
    use std::io::{Read, Seek, SeekFrom};
    let mut f = match std::fs::File::open(file) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot read the checkpoint log {}", file.display()))
        }
    };
    let length = f.metadata()?.len();
    let start = length.saturating_sub(TAIL_BYTES);
    f.seek(SeekFrom::Start(start))?;
    let mut tail = Vec::new();
    f.read_to_end(&mut tail)
        .with_context(|| format!("cannot read the checkpoint log {}", file.display()))?;
    let text = String::from_utf8_lossy(&tail);
    // A tail that starts mid-line drops that part line.
    let whole = if start == 0 {
        &text[..]
    } else {
        text.split_once('\n').map_or("", |(_, rest)| rest)
    };
    Ok(whole
        .lines()
        .filter_map(|line| serde_json::from_str::<Checkpoint>(line).ok())
        .filter(|c| c.is_signed_by(key))
        .max_by_key(|c| c.seq))
}

/// How much of the checkpoint log's end a start reads: many lines even at 1,000 hashes each.
const TAIL_BYTES: u64 = 4 << 20;

/// The signer of one server: its key, its log and the last entry it has signed.
pub struct Anchor {
    key: SigningKey,
    config: AnchorConfig,
    /// The newest entry a checkpoint covers (seq, hash) and when that checkpoint was made.
    last: Option<(i64, String)>,
    last_at: Option<i64>,
    /// Set once the database stopped chaining onto what was signed: checkpoints stop.
    refused: Option<String>,
}

impl std::fmt::Debug for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Anchor")
            .field("public_key", &self.public_key())
            .field("log_file", &self.config.log_file)
            .field("last", &self.last)
            .finish_non_exhaustive()
    }
}

impl Anchor {
    /// Loads (or makes) the key and reads where the log left off. Returns the anchor and
    /// whether the key was made now.
    pub fn open(config: AnchorConfig) -> anyhow::Result<(Anchor, bool)> {
        let (key, created) = load_or_create_key(&config.key_file)?;
        let verifying = key.verifying_key();
        let last = newest_signed(&config.log_file, &verifying)?.map(|c| ((c.seq, c.hash), c.at));
        Ok((
            Anchor {
                key,
                config,
                last_at: last.as_ref().map(|l| l.1),
                last: last.map(|l| l.0),
                refused: None,
            },
            created,
        ))
    }

    pub fn public_key(&self) -> String {
        hex(self.key.verifying_key().as_bytes())
    }

    pub fn config(&self) -> &AnchorConfig {
        &self.config
    }

    /// Signs a checkpoint of the entries since the last one if enough are waiting or the
    /// last is old enough (`force`: whenever any are waiting). Returns how many entries the
    /// new checkpoints cover.
    pub async fn run_once(&mut self, db: &Db, now: i64, force: bool) -> anyhow::Result<i64> {
        if let Some(why) = &self.refused {
            bail!("audit checkpoints stopped: {why}");
        }
        let head: Option<i64> = sqlx::query("SELECT MAX(seq) AS head FROM audit_log")
            .fetch_one(&db.pool)
            .await?
            .try_get("head")?;
        let head = head.unwrap_or(0);
        let signed = self.last.as_ref().map_or(0, |l| l.0);
        if head < signed {
            let why = format!(
                "the audit log ends at entry {head} but entry {signed} was signed: entries were removed"
            );
            self.refused = Some(why.clone());
            bail!("audit checkpoints stopped: {why}");
        }
        let waiting = head - signed;
        let due = waiting >= self.config.every_entries
            || force
            || self.last_at.is_none_or(|at| {
                now - at >= i64::try_from(self.config.every.as_millis()).unwrap_or(i64::MAX)
            });
        if waiting == 0 || !due {
            return Ok(0);
        }
        let mut covered = 0;
        while self.last.as_ref().map_or(0, |l| l.0) < head {
            let from = self.last.as_ref().map_or(0, |l| l.0) + 1;
            let to = head.min(from + MOST_PER_LINE - 1);
            let checkpoint = match self.next_checkpoint(db, from, to, now).await? {
                Ok(c) => c,
                Err(why) => {
                    self.refused = Some(why.clone());
                    bail!("audit checkpoints stopped: {why}");
                }
            };
            let line = serde_json::to_string(&checkpoint)? + "\n";
            let file = self.config.log_file.clone();
            tokio::task::spawn_blocking(move || append_line(&file, &line)).await??;
            covered += to - from + 1;
            self.last = Some((checkpoint.seq, checkpoint.hash));
            self.last_at = Some(now);
        }
        Ok(covered)
    }

    /// The signed checkpoint of entries `from..=to`, or why they must not be signed: they do
    /// not chain onto the last signed entry, or one does not match its own hash.
    async fn next_checkpoint(
        &self,
        db: &Db,
        from: i64,
        to: i64,
        now: i64,
    ) -> anyhow::Result<Result<Checkpoint, String>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor_id, actor, action, subject, details, prev_hash, hash \
             FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq",
        )
        .bind(from)
        .bind(to)
        .fetch_all(&db.pool)
        .await?;
        let mut prev = self
            .last
            .as_ref()
            .map_or_else(|| GENESIS.to_string(), |l| l.1.clone());
        let mut hashes = Vec::with_capacity(rows.len());
        for (expected, row) in (from..).zip(&rows) {
            let (entry, stored) = Entry::from_row(row)?;
            if entry.seq != expected {
                return Ok(Err(format!(
                    "entry {expected} is missing from the audit log"
                )));
            }
            if entry.prev_hash != prev || entry.hash() != stored {
                return Ok(Err(format!(
                    "entry {expected} does not chain onto the entries already signed: the audit log was changed"
                )));
            }
            prev = stored.clone();
            hashes.push(stored);
        }
        if i64::try_from(hashes.len()).ok() != Some(to - from + 1) {
            return Ok(Err(format!(
                "entries {from} to {to} are not all in the audit log"
            )));
        }
        Ok(Ok(Checkpoint {
            from_seq: from,
            seq: to,
            hash: prev,
            at: now,
            hashes,
            public_key: String::new(),
            signature: String::new(),
        }
        .signed(&self.key)))
    }
}

/// Appends one line and syncs it: a checkpoint is on disk before the next is made.
fn append_line(file: &Path, line: &str) -> anyhow::Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(file)
        .with_context(|| format!("cannot open the checkpoint log {}", file.display()))?;
    // One write call: lines from two servers sharing the file never interleave.
    f.write_all(line.as_bytes())
        .and_then(|()| f.sync_data())
        .with_context(|| format!("cannot write the checkpoint log {}", file.display()))
}

/// Runs the anchor beside the other jobs, every `every`, until the handle is aborted.
pub fn spawn(
    anchor: Anchor,
    db: Db,
    clock: Arc<dyn Clock>,
    every: Duration,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut anchor = anchor;
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut reported = false;
        loop {
            ticker.tick().await;
            match anchor.run_once(&db, clock.now_ms(), false).await {
                Ok(_) => reported = false,
                // Said once, not every few seconds; a database outage retries quietly.
                Err(e) if !reported => {
                    tracing::error!(error = %format!("{e:#}"), "audit checkpoint not made");
                    reported = true;
                }
                Err(_) => {}
            }
        }
    })
}

/// What [`verify`] found, beyond the chain itself.
#[derive(Debug, Clone, PartialEq)]
pub struct AnchorReport {
    /// How many checkpoints were read and signed by the given key.
    pub checkpoints: usize,
    /// The newest entry a checkpoint covers (0: none).
    pub anchored_to: i64,
    /// The first entry that differs from what was signed, and how.
    pub broken: Option<(i64, String)>,
}

/// Compares the database's entries with the signed checkpoints. Every checkpoint must carry
/// `key`'s signature (a line that does not is an error naming it: someone wrote the file),
/// and every entry a checkpoint covers must still be there with the hash it had.
pub async fn verify(
    db: &Db,
    checkpoints: &[Checkpoint],
    key: &VerifyingKey,
) -> anyhow::Result<AnchorReport> {
    let mut signed: std::collections::BTreeMap<i64, (String, usize)> = Default::default();
    for (n, c) in checkpoints.iter().enumerate() {
        if !c.is_signed_by(key) {
            bail!(
                "checkpoint line {} is not signed by the audit key {}: the checkpoint log was altered or belongs to another server",
                n + 1,
                hex(key.as_bytes())
            );
        }
        for (seq, hash) in (c.from_seq..).zip(&c.hashes) {
            match signed.get(&seq) {
                Some((other, line)) if other != hash => bail!(
                    "checkpoints on lines {} and {} sign different hashes for entry {seq}: the audit log was rewritten between them",
                    line + 1,
                    n + 1
                ),
                _ => {
                    signed.insert(seq, (hash.clone(), n));
                }
            }
        }
    }
    let anchored_to = signed.keys().next_back().copied().unwrap_or(0);
    let mut report = AnchorReport {
        checkpoints: checkpoints.len(),
        anchored_to,
        broken: None,
    };
    if anchored_to == 0 {
        return Ok(report);
    }
    let rows = sqlx::query("SELECT seq, hash FROM audit_log WHERE seq <= $1 ORDER BY seq")
        .bind(anchored_to)
        .fetch_all(&db.pool)
        .await?;
    let stored: std::collections::BTreeMap<i64, String> = rows
        .iter()
        .map(|r| Ok((r.try_get("seq")?, r.try_get("hash")?)))
        .collect::<Result<_, sqlx::Error>>()?;
    for (seq, (hash, line)) in &signed {
        let problem = match stored.get(seq) {
            None => Some(format!(
                "it is missing, yet checkpoint line {} signed it: entries were removed or the log cut short",
                line + 1
            )),
            Some(h) if h != hash => Some(format!(
                "its hash is not the one checkpoint line {} signed: it, or an entry before it, was changed, inserted or removed",
                line + 1
            )),
            Some(_) => None,
        };
        if let Some(why) = problem {
            report.broken = Some((*seq, why));
            return Ok(report);
        }
    }
    // Entries below the first checkpoint's range that no checkpoint covers (a log kept
    // since before the anchor) are the chain's to vouch for.
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(byte: u8) -> SigningKey {
        SigningKey::from_bytes(&[byte; 32])
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            from_seq: 3,
            seq: 4,
            hash: "b".repeat(64),
            at: 1_000,
            hashes: vec!["a".repeat(64), "b".repeat(64)],
            public_key: String::new(),
            signature: String::new(),
        }
        .signed(&key(1))
    }

    #[test]
    fn a_checkpoint_verifies_only_unchanged_and_only_under_its_key() {
        let c = checkpoint();
        assert!(c.is_signed_by(&key(1).verifying_key()));
        assert!(!c.is_signed_by(&key(2).verifying_key()));
        let changed = [
            Checkpoint {
                from_seq: 2,
                seq: 3,
                ..c.clone()
            },
            Checkpoint {
                at: 1_001,
                ..c.clone()
            },
            Checkpoint {
                hashes: vec!["c".repeat(64), "b".repeat(64)],
                ..c.clone()
            },
            Checkpoint {
                hash: "a".repeat(64),
                ..c.clone()
            },
            Checkpoint {
                signature: "00".repeat(64),
                ..c.clone()
            },
            Checkpoint {
                signature: "zz".into(),
                ..c.clone()
            },
        ];
        for other in changed {
            assert!(!other.is_signed_by(&key(1).verifying_key()), "{other:?}");
        }
        // Re-signed by another key, it names that key and still fails under the first.
        let forged = c.clone().signed(&key(2));
        assert!(forged.is_signed_by(&key(2).verifying_key()));
        assert!(!forged.is_signed_by(&key(1).verifying_key()));
    }

    #[test]
    fn a_start_reads_where_the_log_left_off_from_its_tail() {
        let dir = std::env::temp_dir().join(format!("certamen-tail-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("log.jsonl");
        assert_eq!(newest_signed(&file, &key(1).verifying_key()).unwrap(), None);
        let line = |c: &Checkpoint| serde_json::to_string(c).unwrap() + "\n";
        let later = Checkpoint {
            from_seq: 5,
            seq: 5,
            hash: "c".repeat(64),
            hashes: vec!["c".repeat(64)],
            ..checkpoint()
        }
        .signed(&key(1));
        let foreign = Checkpoint {
            from_seq: 6,
            seq: 6,
            hash: "d".repeat(64),
            hashes: vec!["d".repeat(64)],
            ..checkpoint()
        }
        .signed(&key(2));
        // A long line first, cut by the tail's start; then the log's newest lines.
        let text = format!(
            "{}\n{}{}{}",
            "x".repeat(usize::try_from(TAIL_BYTES).unwrap() + 10),
            line(&checkpoint()),
            line(&later),
            line(&foreign)
        );
        std::fs::write(&file, text).unwrap();
        let found = newest_signed(&file, &key(1).verifying_key()).unwrap();
        assert_eq!(found.map(|c| c.seq), Some(5), "the newest of its own key's");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_key_file_is_made_once_private_and_read_back() {
        let dir = std::env::temp_dir().join(format!("certamen-anchor-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("audit.key");
        let (made, created) = load_or_create_key(&file).unwrap();
        assert!(created);
        let (read, created) = load_or_create_key(&file).unwrap();
        assert!(!created);
        assert_eq!(made.to_bytes(), read.to_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "only its owner may read the key");
        }
        let public = verifying_key(None, &file).unwrap();
        assert_eq!(public, made.verifying_key());
        std::fs::write(&file, "not a key").unwrap();
        let err = format!("{:#}", load_or_create_key(&file).unwrap_err());
        assert!(err.contains("64 hex characters"), "{err}");
        assert!(err.contains("audit.key"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
