//! Building a tag's log on the reader side: sequence numbers, encoding, the chain and signed
//! checkpoints.

use ed25519_compact::{KeyPair, Noise};
use remtag::chain::{self, Chain};
use remtag::codec::{self, DeltaState, EncodeError};
use remtag::model::{
    Body, Checkpoint, Digest, Header, KeyId, List, Location, PartyRef, Record, Seq, Signature,
    SignatureBytes, SignerRole, Timestamp, TzOffset,
};

/// A custodian's signing key, as held in a handheld reader.
pub struct Signer<'a> {
    /// The key's number in the keys directory.
    pub key: KeyId,
    /// The role the holder signs in.
    pub role: SignerRole,
    /// The secret key.
    pub keypair: &'a KeyPair,
}

/// A checkpoint over the first `count` records, whose chain head is `head`, signed by
/// `signers` (at most two; more are left out).
pub fn signed_checkpoint(count: u32, head: Digest, signers: &[Signer<'_>]) -> Checkpoint {
    let mut signatures = List::new();
    for signer in signers {
        let statement = chain::checkpoint_statement(count, &head, signer.role);
        // Deterministic signatures keep the golden vectors stable.
        let sig = signer.keypair.sk.sign(statement, None::<Noise>);
        let signature = Signature {
            key: signer.key,
            role: signer.role,
            signature: SignatureBytes::from(*sig),
        };
        if signatures.push(signature).is_err() {
            break;
        }
    }
    Checkpoint {
        count,
        head,
        signatures,
    }
}

/// A log under construction: records, their stored bytes and the chain over them.
#[derive(Clone, Debug, Default)]
pub struct LogBuilder {
    state: DeltaState,
    chain: Chain,
    bytes: Vec<u8>,
    records: Vec<Record>,
    offsets: Vec<usize>,
}

impl LogBuilder {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a record with the next sequence number and returns it.
    pub fn push(
        &mut self,
        time: Option<Timestamp>,
        tz: TzOffset,
        actor: PartyRef,
        location: Location,
        body: Body,
    ) -> Result<&Record, EncodeError> {
        let seq = self
            .state
            .implicit_seq()
            .ok_or(EncodeError::SequenceExhausted)?;
        let record = Record {
            header: Header {
                seq,
                time,
                tz,
                actor,
                location,
            },
            body,
        };
        self.push_record(record)
    }

    /// Appends `record` as it is.
    pub fn push_record(&mut self, record: Record) -> Result<&Record, EncodeError> {
        let stored = codec::encode_to_buf(&record, &mut self.state)?;
        self.chain.push(&stored);
        self.offsets.push(self.bytes.len());
        self.bytes.extend_from_slice(&stored);
        self.records.push(record);
        Ok(self.records.last().expect("a record was just pushed"))
    }

    /// Appends a checkpoint over every record so far, signed by `signers`.
    pub fn checkpoint(
        &mut self,
        time: Option<Timestamp>,
        tz: TzOffset,
        actor: PartyRef,
        location: Location,
        signers: &[Signer<'_>],
    ) -> Result<&Record, EncodeError> {
        let checkpoint = signed_checkpoint(self.chain.count(), self.chain.head(), signers);
        self.push(time, tz, actor, location, Body::Checkpoint(checkpoint))
    }

    /// The records so far.
    pub fn records(&self) -> &[Record] {
        &self.records
    }

    /// The stored bytes of all records, end to end.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The stored bytes of record `seq`.
    pub fn stored(&self, seq: Seq) -> Option<&[u8]> {
        let i = usize::try_from(seq.0).ok()?;
        let start = *self.offsets.get(i)?;
        let end = self.offsets.get(i + 1).copied().unwrap_or(self.bytes.len());
        self.bytes.get(start..end)
    }

    /// The chain over all records so far.
    pub fn chain(&self) -> Chain {
        self.chain
    }
}
