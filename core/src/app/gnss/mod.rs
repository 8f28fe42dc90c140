//! The GNSS receiver's NMEA stream: sentences collected line by line, read with integer
//! arithmetic (`sentences.rs`), and kept as the last fix.

mod sentences;

pub use sentences::{Fix, Sentence};

/// The longest sentence NMEA 0183 allows is 82 characters; longer lines are noise.
const MAX_SENTENCE_LEN: usize = 96;

/// Collects a receiver's bytes into sentences.
#[derive(Debug)]
pub struct NmeaReader {
    /// The sentence so far; a line that outgrew it is marked by a length past its end.
    line: [u8; MAX_SENTENCE_LEN],
    len: usize,
}

impl NmeaReader {
    /// An empty reader.
    pub const fn new() -> Self {
        NmeaReader {
            line: [0; MAX_SENTENCE_LEN],
            len: 0,
        }
    }

    /// Takes one byte; returns what a sentence said when `byte` ends it.
    pub fn push(&mut self, byte: u8) -> Option<Sentence> {
        match byte {
            b'\n' => {
                // An overlong line's length lies past the buffer: no slice, no sentence.
                let sentence = self
                    .line
                    .get(..self.len)
                    .map_or(Sentence::Other, |line| parse(trim_cr(line)));
                self.len = 0;
                Some(sentence)
            }
            _ => {
                // A new sentence starts: whatever came before was cut off.
                if byte == b'$' {
                    self.len = 0;
                }
                match self.line.get_mut(self.len) {
                    Some(slot) => {
                        *slot = byte;
                        self.len += 1;
                    }
                    None => self.len = MAX_SENTENCE_LEN + 1,
                }
                None
            }
        }
    }
}

impl Default for NmeaReader {
    fn default() -> Self {
        Self::new()
    }
}

fn trim_cr(line: &[u8]) -> &[u8] {
    match line {
        [rest @ .., b'\r'] => rest,
        _ => line,
    }
}

/// What one line said; a line that is not a well-formed sentence says nothing.
fn parse(line: &[u8]) -> Sentence {
    sentences::read(line).unwrap_or(Sentence::Other)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::string::String;
    use std::vec::Vec;

    use super::*;
    use crate::model::{GeoPoint, UtcSeconds};

    /// A sentence with its checksum and line ending.
    fn sentence(body: &str) -> String {
        sentences::tests::sentence(body) + "\r\n"
    }

    fn feed(reader: &mut NmeaReader, text: &str) -> Vec<Sentence> {
        text.bytes().filter_map(|b| reader.push(b)).collect()
    }

    #[test]
    fn a_valid_rmc_is_a_fix_with_time_and_position() {
        let mut r = NmeaReader::new();
        let got = feed(
            &mut r,
            &sentence("GPRMC,093000.00,A,3909.1200,N,12729.4000,E,0.0,0.0,270718,,,A"),
        );
        // 2018-07-27T09:30:00Z; 39°09.12' N = 39.152°, 127°29.4' E = 127.49°.
        let at = UtcSeconds::from_unix(1_532_683_800);
        let point = GeoPoint::from_microdegrees(39_152_000, 127_490_000);
        assert!(at.is_some() && point.is_some());
        if let (Some(at), Some(point)) = (at, point) {
            assert_eq!(got, [Sentence::Fix(Fix { at, point })]);
        }
    }

    #[test]
    fn void_fixes_and_empty_gga_are_no_fix() {
        let mut r = NmeaReader::new();
        let text = sentence("GPRMC,093001.00,V,,,,,,,270718,,,N")
            + &sentence("GPGGA,093001.00,,,,,0,00,99.99,,,,,,");
        assert_eq!(feed(&mut r, &text), [Sentence::NoFix, Sentence::NoFix]);
    }

    #[test]
    fn noise_bad_checksums_and_cut_sentences_are_ignored() {
        let mut r = NmeaReader::new();
        let good = sentence("GPRMC,093000.00,A,3909.1200,N,12729.4000,E,0.0,0.0,270718,,,A");
        let bad_sum = good.replace("*", "0*");
        let cut = &good[..20];
        let overlong = String::from("$") + &"1".repeat(200) + "\n";
        let text = format!("garbage\n{bad_sum}{cut}{overlong}");
        assert!(feed(&mut r, &text).iter().all(|s| *s == Sentence::Other));
        assert!(matches!(feed(&mut r, &good)[..], [Sentence::Fix(_)]));
    }

    #[test]
    fn a_line_that_fills_the_buffer_is_read_and_one_byte_more_is_not() {
        let body = "GPRMC,093000.00,A,3909.1200,N,12729.4000,E,0.0,0.0,270718,,,A";
        // `$`, the body, `*`, two digits and `\r` fill the buffer; trailing empty fields pad.
        let padded = |extra: usize| {
            let commas = MAX_SENTENCE_LEN - body.len() - 5 + extra;
            sentence(&(String::from(body) + &",".repeat(commas)))
        };
        let full = padded(0);
        assert_eq!(full.len(), MAX_SENTENCE_LEN + 1);
        let mut r = NmeaReader::new();
        assert!(matches!(feed(&mut r, &full)[..], [Sentence::Fix(_)]));
        assert_eq!(feed(&mut r, &padded(1)), [Sentence::Other]);
        // A `$` starts afresh after an overlong line, and a bare line ending says nothing.
        let text = format!("{}{full}\n", &padded(1)[..=MAX_SENTENCE_LEN]);
        let got = feed(&mut r, &text);
        assert!(
            matches!(got[..], [Sentence::Fix(_), Sentence::Other]),
            "{got:?}"
        );
    }
}
