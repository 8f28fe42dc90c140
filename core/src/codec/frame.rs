//! COBS framing for byte streams such as a reader's UART: a frame is the COBS encoding of its
//! payload followed by one `0x00` delimiter, so a receiver can always find the next frame.

use core::fmt;

/// The most bytes a frame of a `payload_len`-byte payload takes, delimiter included.
pub const fn max_frame_len(payload_len: usize) -> usize {
    cobs::max_encoding_length(payload_len) + 1
}

/// Why a frame could not be built or read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FrameError {
    /// The output buffer cannot hold the result.
    BufferTooSmall,
    /// The frame is not valid COBS; `decoded` bytes were good before the fault.
    BadCobs {
        /// Bytes decoded before the fault.
        decoded: usize,
    },
    /// The frame has no payload.
    Empty,
}

impl fmt::Display for FrameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::BufferTooSmall => f.write_str("buffer too small for the frame"),
            Self::BadCobs { decoded } => write!(f, "invalid COBS after {decoded} decoded bytes"),
            Self::Empty => f.write_str("empty frame"),
        }
    }
}

impl core::error::Error for FrameError {}

/// Frames `payload` into `out` and returns the frame's length, delimiter included.
pub fn encode(payload: &[u8], out: &mut [u8]) -> Result<usize, FrameError> {
    let n = cobs::try_encode(payload, out).map_err(|_| FrameError::BufferTooSmall)?;
    *out.get_mut(n).ok_or(FrameError::BufferTooSmall)? = 0;
    Ok(n + 1)
}

/// Reads one frame (with or without its delimiter) into `out`; returns the payload length.
pub fn decode(frame: &[u8], out: &mut [u8]) -> Result<usize, FrameError> {
    let frame = match frame.split_last() {
        Some((0, body)) => body,
        _ => frame,
    };
    if frame.is_empty() {
        return Err(FrameError::Empty);
    }
    let report = cobs::decode(frame, out).map_err(|e| match e {
        cobs::DecodeError::TargetBufTooSmall => FrameError::BufferTooSmall,
        cobs::DecodeError::InvalidFrame { decoded_bytes } => FrameError::BadCobs {
            decoded: decoded_bytes,
        },
        cobs::DecodeError::EmptyFrame => FrameError::Empty,
    })?;
    Ok(report.frame_size())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_round_trip_and_contain_no_zero_before_the_delimiter() {
        let payload = [0x12, 0x00, 0x00, 0x34, 0xff, 0x00];
        let mut frame = [0u8; max_frame_len(6) + 2];
        let n = encode(&payload, &mut frame);
        assert_eq!(n, Ok(8), "{frame:?}");
        let n = n.unwrap_or(0);
        assert_eq!(frame.get(n - 1), Some(&0));
        assert!(frame[..n - 1].iter().all(|b| *b != 0));
        let mut out = [0u8; 6];
        assert_eq!(decode(&frame[..n], &mut out), Ok(6));
        assert_eq!(out, payload);
    }

    #[test]
    fn bad_frames_are_errors() {
        let mut out = [0u8; 8];
        assert_eq!(decode(&[0], &mut out), Err(FrameError::Empty));
        assert!(matches!(
            decode(&[0x05, 1, 0], &mut out),
            Err(FrameError::BadCobs { .. })
        ));
        assert_eq!(
            encode(&[1, 2, 3], &mut [0u8; 3]),
            Err(FrameError::BufferTooSmall)
        );
    }
}
