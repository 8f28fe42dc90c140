//! Who may vouch for a checkpoint: the trusted keys, their validity, the signature check, and
//! which party each role needs.

use crate::chain;
use crate::model::{Checkpoint, KeyId, PartyRef, SignatureBytes, SignerRole, UtcSeconds};

use super::report::{RoleProblem, SignatureStatus};

/// A custodian's public key, trusted for checkpoints made while it was valid.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TrustedKey {
    /// Its number, as checkpoints name it.
    pub id: KeyId,
    /// The party that holds it.
    pub party: PartyRef,
    /// The Ed25519 public key.
    pub public: [u8; 32],
    /// The first instant it may sign at.
    pub valid_from: UtcSeconds,
    /// The instant after which it may no longer sign, if it expires.
    pub valid_until: Option<UtcSeconds>,
}

/// The custody transfer that the log records last before a checkpoint: a hand-over
/// checkpoint countersigns it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Transfer {
    /// The party releasing custody.
    pub from: PartyRef,
    /// The party receiving it.
    pub to: PartyRef,
}

/// What a signature by `key` (trusted, or `None`) in `role` over checkpoint `c` made at `at`
/// turns out to be; with no trusted set at all, nothing is checked.
pub(super) fn status(
    keys: Option<&[TrustedKey]>,
    key: Option<&TrustedKey>,
    c: &Checkpoint,
    role: SignerRole,
    signature: &SignatureBytes,
    at: Option<UtcSeconds>,
) -> SignatureStatus {
    match (keys, key) {
        (None, _) => SignatureStatus::NotChecked,
        (Some(_), None) => SignatureStatus::UnknownKey,
        (Some(_), Some(k)) if !valid_at(k, at) => SignatureStatus::Expired,
        (Some(_), Some(k)) => check_signature(k, c, role, signature),
    }
}

/// Whether the holder `party` may sign in `role` after `transfer`: a hand-over is signed by
/// the party the transfer takes custody from (releasing) and the one it gives custody to
/// (receiving). A custodian's or an auditor's signature vouches for the records as its holder,
/// whoever holds the box: laboratories audit boxes they do not hold.
pub(super) fn role_problem(
    party: PartyRef,
    role: SignerRole,
    transfer: Option<Transfer>,
) -> Option<RoleProblem> {
    let expected = match role {
        SignerRole::Releasing => transfer.map(|t| t.from),
        SignerRole::Receiving => transfer.map(|t| t.to),
        SignerRole::Custodian | SignerRole::Auditor => return None,
    };
    (expected != Some(party)).then_some(RoleProblem::WrongParty { expected })
}

fn valid_at(key: &TrustedKey, at: Option<UtcSeconds>) -> bool {
    at.is_some_and(|t| t >= key.valid_from && key.valid_until.is_none_or(|u| t <= u))
}

#[cfg(feature = "signatures")]
fn check_signature(
    key: &TrustedKey,
    c: &Checkpoint,
    role: SignerRole,
    signature: &SignatureBytes,
) -> SignatureStatus {
    let statement = chain::checkpoint_statement(c.count, &c.head, role);
    let public = ed25519_compact::PublicKey::new(key.public);
    let sig = ed25519_compact::Signature::new(*signature.as_array());
    match public.verify(statement, &sig) {
        Ok(()) => SignatureStatus::Valid,
        Err(_) => SignatureStatus::Bad,
    }
}

#[cfg(not(feature = "signatures"))]
fn check_signature(
    _key: &TrustedKey,
    c: &Checkpoint,
    role: SignerRole,
    _signature: &SignatureBytes,
) -> SignatureStatus {
    // The statement is still built, so that both builds agree on what is signed.
    let _ = chain::checkpoint_statement(c.count, &c.head, role);
    SignatureStatus::NotChecked
}
