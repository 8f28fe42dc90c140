//! Formatting: a new tag's identity written over a cleared medium, and its first segment
//! opened.

use super::identity;
use super::layout::LayoutVersion;
use super::medium::Counted;
use super::{Layout, LayoutConfig, LayoutProblem, Log, LogError, Medium, Refused, blocks};
use crate::codec::{self, DeltaState, MAX_RECORD_LEN, StoredBody};
use crate::model::{Header, Record, RecordType, Seq};

impl<M: Medium> Log<M> {
    /// Formats `medium` for a new tag whose identity is `commission` (sequence number 0), and
    /// returns the mounted log. Everything on the medium is lost.
    pub fn format(
        medium: M,
        config: LayoutConfig,
        commission: &Record,
    ) -> Result<Self, LogError<M::Error>> {
        Self::try_format(medium, config, commission).map_err(|(_, e)| e)
    }

    /// [`format`](Self::format), handing the medium back when it fails. A commission that is
    /// refused (wrong type, wrong sequence number, too large) leaves the medium untouched.
    pub fn try_format(
        medium: M,
        config: LayoutConfig,
        commission: &Record,
    ) -> Result<Self, Refused<M>> {
        let mut log = Self::on(medium, config)?;
        match log.format_record(commission) {
            Ok(()) => Ok(log),
            Err(e) => Err((log.into_medium(), e)),
        }
    }

    /// Formats a log from [`on`](Self::on) where it stands, as [`try_format`](Self::try_format)
    /// does. A refused commission leaves the medium untouched.
    fn format_record(&mut self, commission: &Record) -> Result<(), LogError<M::Error>> {
        let mut buf = [0u8; codec::MAX_BODY_LEN];
        let body = StoredBody::new(&commission.body, &mut buf).map_err(LogError::Encode)?;
        self.format_here(&commission.header, &body)
    }

    /// [`format_record`](Self::format_record) for the commission record of `header` and
    /// `body`, stored as the first record of a log.
    #[inline(never)]
    pub(crate) fn format_here(
        &mut self,
        header: &Header,
        body: &StoredBody<'_>,
    ) -> Result<(), LogError<M::Error>> {
        if body.record_type() != RecordType::Commission {
            return Err(LogError::NotACommission);
        }
        if header.seq != Seq(0) {
            return Err(LogError::WrongSeq {
                expected: Seq(0),
                got: header.seq,
            });
        }
        // Encoded straight into the log's own copy of the identity, and its state.
        self.layout.version = LayoutVersion::NEWEST;
        self.state = DeltaState::default();
        self.identity.clear();
        self.identity.resize(MAX_RECORD_LEN, 0).ok();
        let len = codec::encode_parts(header, body, &mut self.state, &mut self.identity)
            .map_err(LogError::Encode)?;
        self.identity.truncate(len);
        if blocks::IDENTITY_PREFIX_LEN + len + codec::CRC_LEN
            > self.layout.identity_slot_len as usize
        {
            return Err(LogError::BadLayout(LayoutProblem::IdentityTooLarge));
        }
        // The old identity goes first, so that a cut format reads as unformatted and never as
        // an old log with some of its segments gone; then every byte of every segment, so that
        // nothing of an old log is left to be read into the new one; then the identity.
        for copy in 0..2 {
            let at = self.layout.identity_slot(copy);
            clear(
                &mut self.medium,
                &self.layout,
                at,
                self.layout.identity_slot_len,
            )?;
        }
        for physical in 0..self.layout.segments {
            let at = self.layout.segment_start(physical);
            clear(&mut self.medium, &self.layout, at, self.layout.segment_len)?;
        }
        identity::write_both(&mut self.medium, &self.layout, 1, 0, &self.identity)?;
        self.floor = 0;
        self.newest = None;
        self.start_chain(1);
        self.open_segment()
    }
}

/// Clears `[at, at + len)`: erased on NOR flash, every byte set to `0xFF` on rewritable memory.
pub(super) fn clear<M: Medium>(
    medium: &mut Counted<M>,
    layout: &Layout,
    at: u32,
    len: u32,
) -> Result<(), LogError<M::Error>> {
    if layout.erase_before_write {
        return medium.erase(at, at + len).map_err(LogError::Medium);
    }
    // One program per 64 bytes: a multiple of every write size and of an EEPROM's page.
    let erased = [0xffu8; 64];
    let mut done = 0;
    while done < len {
        let n = (len - done).min(erased.len() as u32);
        let bytes = erased.get(..n as usize).unwrap_or_default();
        medium.program(at + done, bytes).map_err(LogError::Medium)?;
        done += n;
    }
    Ok(())
}
