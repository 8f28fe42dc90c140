//! The example frames of `docs/PROTOCOL.md`: encoding each message gives the documented bytes,
//! and the document shows them, so a change to the wire cannot go unnoticed.

use remtag::model::{Digest, PartyRef, Seq};
use remtag::protocol::{
    self, Fault, FixState, Indication, MAX_FRAME_LEN, MAX_PAYLOAD_LEN, Needs, Request, Response,
    Status,
};

fn frame_hex<T: protocol::Message>(message: &T) -> String {
    let mut out = [0u8; MAX_FRAME_LEN];
    let n = protocol::encode(message, &mut out).expect("frames");
    hex::encode(&out[..n])
}

fn examples() -> Vec<(&'static str, String)> {
    vec![
        ("Hello", frame_hex(&Request::Hello { actor: PartyRef(4) })),
        ("Read", frame_hex(&Request::Read { from: Seq(0) })),
        ("ReadNext", frame_hex(&Request::ReadNext)),
        (
            "Status response",
            frame_hex(&Response::Status(Status {
                indication: Indication::Ok,
                count: 6,
                head: Digest::from([0xab; 32]),
                free_bytes: 30_000,
                capacity: 31_000,
                damage: 0,
                time: None,
                fix: FixState::None,
            })),
        ),
        (
            "OutOfOrder",
            frame_hex(&Response::Error(Fault::OutOfOrder {
                needs: Needs::Hello,
            })),
        ),
    ]
}

#[test]
fn the_documented_frames_are_what_the_code_sends() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/PROTOCOL.md"))
        .expect("docs/PROTOCOL.md");
    let limits = format!("{MAX_PAYLOAD_LEN} bytes of payload, {MAX_FRAME_LEN} bytes on the wire");
    let missing: Vec<String> = examples()
        .into_iter()
        .chain([("limits", limits)])
        .filter(|(_, text)| !doc.contains(text.as_str()))
        .map(|(name, text)| format!("{name}: {text}"))
        .collect();
    assert!(
        missing.is_empty(),
        "not in docs/PROTOCOL.md:\n{}",
        missing.join("\n")
    );
}
