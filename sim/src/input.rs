//! Reading record bytes from the command line: a hex string, a hex file, a binary file or stdin.

use std::io::Read;
use std::path::Path;

/// Where the bytes came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// A hex string given as the argument.
    HexArgument,
    /// A file holding hex text.
    HexFile(String),
    /// A file holding raw bytes.
    BinaryFile(String),
    /// Standard input, as hex text.
    HexStdin,
    /// Standard input, as raw bytes.
    BinaryStdin,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::HexArgument => f.write_str("hex argument"),
            Source::HexFile(p) => write!(f, "{p} (hex)"),
            Source::BinaryFile(p) => write!(f, "{p} (binary)"),
            Source::HexStdin => f.write_str("stdin (hex)"),
            Source::BinaryStdin => f.write_str("stdin (binary)"),
        }
    }
}

/// Reads the bytes that `arg` names: `-` for stdin, an existing file, or else a hex string.
/// Text that is entirely hex digits and white space is taken as hex; anything else as binary.
pub fn read_bytes(arg: &str) -> Result<(Vec<u8>, Source), String> {
    if arg == "-" {
        let mut raw = Vec::new();
        std::io::stdin()
            .read_to_end(&mut raw)
            .map_err(|e| format!("cannot read stdin: {e}"))?;
        return Ok(match parse_hex_text(&raw) {
            Some(bytes) => (bytes, Source::HexStdin),
            None => (raw, Source::BinaryStdin),
        });
    }
    let path = Path::new(arg);
    if path.exists() {
        let raw = std::fs::read(path).map_err(|e| format!("cannot read {arg}: {e}"))?;
        return Ok(match parse_hex_text(&raw) {
            Some(bytes) => (bytes, Source::HexFile(arg.to_string())),
            None => (raw, Source::BinaryFile(arg.to_string())),
        });
    }
    match parse_hex_text(arg.as_bytes()) {
        Some(bytes) => Ok((bytes, Source::HexArgument)),
        None if looks_like_path(arg) => Err(format!("{arg}: no such file")),
        None => Err(format!(
            "{arg:?} is neither a file nor hex digits (a hex string needs an even number of digits)"
        )),
    }
}

fn looks_like_path(arg: &str) -> bool {
    arg.contains('/') || arg.contains('.') || arg.chars().any(|c| !c.is_ascii_hexdigit())
}

/// The bytes of `text` if it is hex digits (an even number, `0x` prefix allowed) with white
/// space anywhere; `None` otherwise.
pub fn parse_hex_text(text: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(text).ok()?;
    let digits: String = text
        .split_whitespace()
        .map(|w| w.strip_prefix("0x").unwrap_or(w))
        .collect();
    if digits.is_empty() {
        return None;
    }
    hex::decode(digits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_text_with_white_space_is_hex() {
        assert_eq!(
            parse_hex_text(b"12 0d\n08b0"),
            Some(vec![0x12, 0x0d, 0x08, 0xb0])
        );
        assert_eq!(parse_hex_text(b"0x12"), Some(vec![0x12]));
        assert_eq!(parse_hex_text(b"123"), None);
        assert_eq!(parse_hex_text(&[0x12, 0x0d]), None);
        assert_eq!(parse_hex_text(b""), None);
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = read_bytes("no/such/file.bin").unwrap_err();
        assert!(err.contains("no such file"), "{err}");
    }
}
