//! Custodians' keys: the handheld readers' signing keys, and the public keys file a verifier
//! trusts. A tag holds no custodian secret; it stores only signatures.

use std::path::Path;

use chrono::{DateTime, Utc};
use ed25519_compact::{KeyPair, Seed};
use remtag::model::{KeyId, PartyRef, UtcSeconds};
use remtag::verify::TrustedKey;
use serde::{Deserialize, Serialize};

/// A demonstration key pair derived from the key's number. Never for real custody: anyone can
/// derive the same key.
pub fn demo_keypair(key: KeyId) -> KeyPair {
    let mut seed = *b"remtag-sim demonstration key 000";
    let digits = format!("{:03}", key.0 % 1000);
    seed[29..].copy_from_slice(digits.as_bytes());
    KeyPair::from_seed(Seed::new(seed))
}

/// The public keys file: which keys a verifier trusts, whose they are, and when they are valid.
///
/// ```json
/// { "keys": [ { "id": 3, "party": 3, "holder": "USAF C-17 aircrew",
///               "public_key": "<64 hex digits>",
///               "valid_from": "2018-01-01T00:00:00Z", "valid_until": "2030-01-01T00:00:00Z" } ] }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeysFile {
    /// The keys.
    pub keys: Vec<PublicKeyEntry>,
}

/// One trusted key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKeyEntry {
    /// The key's number, as checkpoints name it.
    pub id: u32,
    /// The holder's party number.
    pub party: u32,
    /// The holder, for people.
    #[serde(default)]
    pub holder: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// From when the key may sign (RFC 3339).
    pub valid_from: DateTime<Utc>,
    /// Until when the key may sign (RFC 3339), if it expires.
    #[serde(default)]
    pub valid_until: Option<DateTime<Utc>>,
}

impl KeysFile {
    /// Reads a keys file; the message names the file and what is wrong.
    pub fn load(path: &Path) -> Result<KeysFile, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read keys file {}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| {
            format!(
                "{}:{}:{}: not a keys file: {e}",
                path.display(),
                e.line(),
                e.column()
            )
        })
    }

    /// The keys as the verifier takes them; an unusable entry is an error naming it. A key
    /// number listed twice, or one public key listed for two parties, is an error too: the
    /// verifier must know without doubt whose key signed, to check the role it signed in.
    pub fn trusted(&self) -> Result<Vec<TrustedKey>, String> {
        let keys: Vec<TrustedKey> = self
            .keys
            .iter()
            .map(|k| {
                let mut public = [0u8; 32];
                hex::decode_to_slice(&k.public_key, &mut public)
                    .map_err(|e| format!("key {}: public_key: {e}", k.id))?;
                let instant = |t: &DateTime<Utc>, what: &str| {
                    UtcSeconds::from_unix(t.timestamp())
                        .ok_or(format!("key {}: {what} is before 2000 or after 2136", k.id))
                };
                Ok(TrustedKey {
                    id: KeyId(k.id),
                    party: PartyRef(k.party),
                    public,
                    valid_from: instant(&k.valid_from, "valid_from")?,
                    valid_until: k
                        .valid_until
                        .as_ref()
                        .map(|t| instant(t, "valid_until"))
                        .transpose()?,
                })
            })
            .collect::<Result<_, String>>()?;
        for (i, key) in keys.iter().enumerate() {
            for earlier in &keys[..i] {
                if earlier.id == key.id {
                    return Err(format!("key {} is listed twice", key.id));
                }
                if earlier.public == key.public && earlier.party != key.party {
                    return Err(format!(
                        "keys {} and {} are the same public key, listed for parties {} and {}",
                        earlier.id, key.id, earlier.party, key.party
                    ));
                }
            }
        }
        Ok(keys)
    }

    /// An entry for `keypair`'s public key.
    pub fn entry(
        key: KeyId,
        party: PartyRef,
        holder: &str,
        keypair: &KeyPair,
        valid_from: DateTime<Utc>,
        valid_until: Option<DateTime<Utc>>,
    ) -> PublicKeyEntry {
        PublicKeyEntry {
            id: key.0,
            party: party.0,
            holder: holder.to_string(),
            public_key: hex::encode(*keypair.pk),
            valid_from,
            valid_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_keys_file_round_trips_and_bad_entries_are_named() {
        let from = DateTime::from_timestamp(1_514_764_800, 0).expect("2018");
        let file = KeysFile {
            keys: vec![KeysFile::entry(
                KeyId(3),
                PartyRef(3),
                "aircrew",
                &demo_keypair(KeyId(3)),
                from,
                None,
            )],
        };
        let text = serde_json::to_string(&file).expect("json");
        let back: KeysFile = serde_json::from_str(&text).expect("parses");
        assert_eq!(back, file);
        let trusted = back.trusted().expect("usable");
        assert_eq!(trusted[0].public, *demo_keypair(KeyId(3)).pk);

        let mut bad = file.clone();
        bad.keys[0].public_key = "zz".into();
        assert!(bad.trusted().unwrap_err().contains("key 3: public_key"));

        let mut twice = file.clone();
        twice.keys.push(file.keys[0].clone());
        twice.keys[1].party = 6;
        assert!(
            twice
                .trusted()
                .unwrap_err()
                .contains("key 3 is listed twice")
        );
        twice.keys[1].id = 9;
        assert!(
            twice
                .trusted()
                .unwrap_err()
                .contains("keys 3 and 9 are the same public key")
        );
    }
}
