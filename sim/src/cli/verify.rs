//! `remtag-sim verify`: proves a tag's log intact, or says what is wrong and where.
//!
//! It exits 0 only when the verdict is intact: nothing was found, signatures were checked, and
//! every checkpoint verifies. Everything else exits 1: findings (each with its position), no
//! keys given, or no checkpoint at all, each with a verdict line that says which.

use std::path::PathBuf;

use remtag::model::{Epc, SignerRole};
use remtag::verify::{
    Archived, CheckpointReport, MAX_DETAILS, Report, RoleProblem, SignatureStatus, Signer, Verdict,
    Verifier,
};
use serde::Deserialize;

use crate::image::{self, Item};
use crate::input::read_bytes;
use crate::keys::KeysFile;

/// Arguments of `verify`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A memory image or stored records: a file (binary or hex), a hex string, or `-`.
    pub image: String,
    /// The public keys file of the custodians to trust. Without it no signature is checked,
    /// and the verdict is never "intact".
    #[arg(long)]
    pub keys: Option<PathBuf>,
    /// The identity the tag must have, as a tag URI (`urn:epc:tag:...`), from the box's label
    /// or the tag's EPC memory. Without it the identity is printed for comparing by eye.
    #[arg(long)]
    pub epc: Option<String>,
    /// The latest checkpoint an archive holds for this tag (JSON: {"count": N, "head": "hex"}),
    /// to detect truncation and rollback.
    #[arg(long)]
    pub archive: Option<PathBuf>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ArchiveFile {
    count: u32,
    head: String,
}

fn load_archive(path: &PathBuf) -> Result<Archived, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read archive {}: {e}", path.display()))?;
    let file: ArchiveFile = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not an archive file: {e}", path.display()))?;
    let mut head = [0u8; 32];
    hex::decode_to_slice(&file.head, &mut head)
        .map_err(|e| format!("{}: head: {e}", path.display()))?;
    Ok(Archived {
        count: file.count,
        head: head.into(),
    })
}

/// Verifies the input; `Ok` only when the verdict is intact: nothing found, signatures
/// checked, every checkpoint verifies.
pub fn run(args: &Args) -> Result<(), String> {
    let keys = args
        .keys
        .as_ref()
        .map(|path| KeysFile::load(path)?.trusted())
        .transpose()?;
    let expected = args
        .epc
        .as_deref()
        .map(|uri| Epc::parse_tag_uri(uri).map_err(|e| format!("--epc {uri}: not a tag URI: {e}")))
        .transpose()?;
    let archived = args.archive.as_ref().map(load_archive).transpose()?;
    let (bytes, source) = read_bytes(&args.image)?;
    let (kind, items, mount) = image::read(&bytes).map_err(|e| format!("{source}: {e}"))?;
    let mut verifier = match &keys {
        Some(keys) => Verifier::new(keys, expected, archived),
        None => Verifier::without_keys(expected, archived),
    };
    let mut trailing = None;
    for item in items {
        match item {
            Item::Record { offset, stored, .. } => verifier.push(&stored, offset),
            Item::Damage(d) => verifier.damage(d),
            Item::Resume(start) => verifier.resume(&start),
            Item::Trailing { offset, bytes } => {
                verifier.push(&bytes, offset);
                trailing = Some(offset);
            }
        }
    }
    let report = verifier.finish();
    println!("{source}: {kind:?}");
    if let Some(mount) = &mount {
        println!(
            "mount: {} records in {} segments",
            mount.records, mount.segments
        );
    }
    match (&args.keys, &keys) {
        (Some(path), Some(keys)) => println!(
            "signatures: checked against {} trusted key(s) from {}",
            keys.len(),
            path.display()
        ),
        _ => println!("signatures: NOT CHECKED, no keys file given (--keys)"),
    }
    print!("{}", render(&report, expected.is_some()));
    if let Some(offset) = trailing {
        println!("incomplete record at byte {offset}");
    }
    verdict(&report, keys.is_some())
}

/// What was found, for people: the identity, the counts, each checkpoint and each finding.
fn render(report: &Report, identity_expected: bool) -> String {
    let mut out = String::new();
    if let Some(epc) = report.identity {
        if identity_expected {
            out += &format!("identity: {epc}\n");
        } else {
            out += &format!(
                "identity: {epc} (not compared: give --epc to check it is this box's tag)\n"
            );
        }
    }
    out += &format!(
        "records: {}, signed prefix: {}, unsigned tail: {}\n",
        report.records,
        report.signed_prefix,
        report.unsigned_tail()
    );
    for c in &report.checkpoints {
        out += &checkpoint_line(c);
    }
    if report.checkpoints.is_full() {
        out += &format!("(only the first {MAX_DETAILS} checkpoints are listed)\n");
    }
    for f in &report.findings {
        out += &format!("finding: {f}\n");
    }
    if report.finding_count as usize > report.findings.len() {
        out += &format!(
            "... and {} more findings\n",
            report.finding_count as usize - report.findings.len()
        );
    }
    out
}

fn checkpoint_line(c: &CheckpointReport) -> String {
    let signers = if c.signers.is_empty() {
        "NO SIGNATURE".to_string()
    } else {
        c.signers
            .iter()
            .map(signer_text)
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!(
        "checkpoint {} over {} records: chain {}, {} -> {}\n",
        c.seq,
        c.count,
        if c.chain_ok { "ok" } else { "MISMATCH" },
        signers,
        if c.verified() {
            "verified"
        } else {
            "NOT VERIFIED"
        }
    )
}

fn role_name(role: SignerRole) -> &'static str {
    match role {
        SignerRole::Releasing => "releasing",
        SignerRole::Receiving => "receiving",
        SignerRole::Custodian => "custodian",
        SignerRole::Auditor => "auditor",
    }
}

fn signer_text(s: &Signer) -> String {
    let holder = s
        .party
        .map(|p| format!(" of party {p}"))
        .unwrap_or_default();
    let status = match s.status {
        SignatureStatus::Valid => "valid",
        SignatureStatus::UnknownKey => "UNKNOWN KEY",
        SignatureStatus::Expired => "EXPIRED KEY",
        SignatureStatus::Bad => "BAD SIGNATURE",
        SignatureStatus::NotChecked => "not checked",
    };
    let problem = match s.problem {
        None => String::new(),
        Some(RoleProblem::Repeated) => ", SAME KEY TWICE".to_string(),
        Some(RoleProblem::WrongParty {
            expected: Some(party),
        }) => format!(
            ", NOT THE {} PARTY ({party})",
            role_name(s.role).to_uppercase()
        ),
        Some(RoleProblem::WrongParty { expected: None }) => {
            ", NO CUSTODY TRANSFER RECORDED TO SIGN FOR".to_string()
        }
        // A problem a later core names, said in its own words.
        Some(other) => format!(", {}", other.to_string().to_uppercase()),
    };
    format!(
        "key {}{holder} as {}: {status}{problem}",
        s.key,
        role_name(s.role)
    )
}

/// Prints the verdict; `Ok` only for an intact log.
fn verdict(report: &Report, keys_given: bool) -> Result<(), String> {
    match report.verdict() {
        Verdict::Intact => {
            let last = report.last_verified.map_or(0, |s| s.0);
            println!(
                "verdict: intact, every checkpoint verifies: records 0 to {} are the ones checkpoint {last} was signed over",
                report.signed_prefix.saturating_sub(1)
            );
            match report.added_since_signed() {
                0 => println!("nothing was recorded after checkpoint {last}"),
                n => println!(
                    "not yet signed: {n} record(s) after checkpoint {last} ({} to {}): normal for a tag in use, but no one vouches for them yet",
                    last + 1,
                    report.records.saturating_sub(1)
                ),
            }
            Ok(())
        }
        Verdict::NotIntact => {
            println!(
                "verdict: NOT INTACT, {} finding(s), listed above with their positions",
                report.finding_count
            );
            Err(format!(
                "{} finding(s): the log is not intact",
                report.finding_count
            ))
        }
        Verdict::SignaturesNotChecked => {
            let why = if keys_given {
                "this build does not check signatures"
            } else {
                "no keys file was given (--keys)"
            };
            println!(
                "verdict: NOT VERIFIED, signatures were not checked: {why}. The chain and the \
                 counts are consistent, which anyone able to write the tag's memory can \
                 arrange: nothing is proven"
            );
            Err("signatures were not checked: nothing is proven".into())
        }
        Verdict::NothingSigned => {
            let keys = if keys_given {
                ""
            } else {
                " (and no keys file was given)"
            };
            println!(
                "verdict: NOT VERIFIED, no checkpoint covers any of the {} record(s){keys}: no one vouches for them",
                report.records
            );
            Err("no checkpoint: nothing is proven".into())
        }
    }
}
