//! Small cryptographic helpers shared by the account-security modules: hex text, OS
//! randomness, and the random secrets every server of one database shares.

use sha2::{Digest, Sha256};
use sqlx::Row;

use super::db::Db;
use super::error::AppError;

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The bytes of hex text (either case), or `None` if it is not hex of whole bytes.
pub fn from_hex(text: &str) -> Option<Vec<u8>> {
    // Digits only: `from_str_radix` alone would also take a sign ("+1").
    if !text.len().is_multiple_of(2) || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&text[i..i + 2], 16).ok())
        .collect()
}

/// `n` bytes from the operating system's randomness, as hex.
pub fn random_hex(n: usize) -> Result<String, AppError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("no OS randomness: {e}")))?;
    Ok(hex(&bytes))
}

/// `n` characters drawn from `alphabet` with the operating system's randomness (a byte
/// modulo the alphabet's length: the slight bias toward its first letters costs a fraction of
/// a bit per character).
pub fn random_chars(alphabet: &[u8], n: usize) -> Result<String, AppError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes)
        .map_err(|e| AppError::Internal(format!("no OS randomness: {e}")))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(alphabet[usize::from(*b) % alphabet.len()]))
        .collect())
}

/// SHA-256 of `text`, as hex.
pub fn sha256_hex(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// The secret called `name`, made on first use and shared through the database by every
/// server (the first to store it wins; the others read it back).
pub async fn server_secret(db: &Db, name: &str) -> Result<String, AppError> {
    let read = || {
        sqlx::query("SELECT value FROM server_secrets WHERE name = $1")
            .bind(name)
            .fetch_optional(&db.pool)
    };
    // Made once per database: every later call is a read, never a write.
    if let Some(row) = read().await? {
        return Ok(row.try_get("value")?);
    }
    let fresh = random_hex(32)?;
    db.write(
        sqlx::query(
            "INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(&fresh),
    )
    .await?;
    let row = read()
        .await?
        .ok_or_else(|| AppError::Internal(format!("server secret {name} vanished")))?;
    Ok(row.try_get("value")?)
}

/// A keyed hash of `text` under `secret` (HMAC would do as well; SHA-256 over the secret and
/// the text, both of fixed meaning here, is enough for values that are only compared).
pub fn keyed_hash(secret: &str, text: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(secret.as_bytes());
    h.update([0u8]);
    h.update(text.as_bytes());
    h.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_reads_back_what_it_wrote_and_refuses_the_rest() {
        assert_eq!(
            from_hex(&hex(&[0, 1, 254, 255])),
            Some(vec![0, 1, 254, 255])
        );
        assert_eq!(from_hex("FF"), Some(vec![255]));
        for bad in ["f", "zz", "+1", "é1"] {
            assert_eq!(from_hex(bad), None, "{bad}");
        }
    }

    #[test]
    fn random_hex_has_the_asked_length_and_differs_each_time() {
        let a = random_hex(32).unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_hex(32).unwrap());
    }

    #[test]
    fn a_keyed_hash_depends_on_key_and_text() {
        assert_ne!(keyed_hash("k1", "x"), keyed_hash("k2", "x"));
        assert_ne!(keyed_hash("k", "x1"), keyed_hash("k", "x2"));
        assert_ne!(keyed_hash("ab", "c"), keyed_hash("a", "bc"));
    }
}
