//! The EPC schemes held to the Tag Data Standard's examples, to other encoders, and to a
//! reading of the bits as the standard lays them out.

extern crate std;

use super::giai::{GIAI96_PARTITIONS, mask};
use super::usdod::first_bad_cage_char;
use super::*;
use std::string::{String, ToString};
use std::vec::Vec;
use std::{format, vec};

/// Parses 24 hex digits into 12 bytes.
fn hex(s: &str) -> [u8; 12] {
    assert_eq!(s.len(), 24, "{s}");
    let mut out = [0u8; 12];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).unwrap();
    }
    out
}

/// Checks bytes -> Epc -> tag URI -> Epc -> bytes, both ways.
fn check_vector(hex_str: &str, tag_uri: &str, pure_uri: &str) -> Epc {
    let bytes = hex(hex_str);
    let epc = Epc::from_bytes(&bytes).unwrap();
    assert_eq!(epc.to_string(), tag_uri);
    assert_eq!(epc.tag_uri().to_string(), tag_uri);
    assert_eq!(epc.pure_identity_uri().to_string(), pure_uri);
    let parsed: Epc = tag_uri.parse().unwrap();
    assert_eq!(parsed, epc);
    assert_eq!(parsed.to_bytes(), bytes);
    epc
}

/// Independent bit-string encoder for GIAI-96, for cross-checking the
/// u128 packing: header, filter, partition, prefix, reference.
fn giai_bits(filter: u8, partition: u8, cp: u64, ar: u64) -> [u8; 12] {
    let (m, n): (usize, usize) = [
        (40, 42),
        (37, 45),
        (34, 48),
        (30, 52),
        (27, 55),
        (24, 58),
        (20, 62),
    ][usize::from(partition)];
    let mut s = String::from("00110100");
    s += &format!("{filter:03b}{partition:03b}{cp:0m$b}{ar:0n$b}");
    assert_eq!(s.len(), 96);
    let mut out = [0u8; 12];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(&s[8 * i..8 * i + 8], 2).unwrap();
    }
    out
}

// --- Known vectors -------------------------------------------------

/// GS1 EPC Tag Data Standard example for GIAI-96 (GS1 Company Prefix
/// 0614141, asset reference 5678, filter 3), as transcribed from the TDS
/// (since TDS 1.10) in the test suite of the GS1 Tag Data Translation
/// engine github.com/dannyhaak/TagDataTranslation, file
/// TagDataTranslationUnitTest/TDSStandard.cs ("Tests based on TDS
/// specification examples"). The same hex is used by several other
/// independent EPC encoders' tests (C++, Go, C).
#[test]
fn tds_example_giai96() {
    let epc = check_vector(
        "3474257BF40000000000162E",
        "urn:epc:tag:giai-96:3.0614141.5678",
        "urn:epc:id:giai:0614141.5678",
    );
    let Epc::Giai96(g) = epc else {
        panic!("not GIAI-96")
    };
    assert_eq!(g.filter(), 3);
    assert_eq!(g.partition(), 5);
    assert_eq!(g.company_prefix(), 614_141);
    assert_eq!(g.company_prefix_digits(), 7);
    assert_eq!(g.asset_ref(), 5678);
}

/// GS1 EPC Tag Data Standard example for USDOD-96 (CAGE code "CAGEY",
/// serial 5678, filter 3); same source as above (TDSStandard.cs,
/// `Usdod96`).
#[test]
fn tds_example_usdod96() {
    let epc = check_vector(
        "2F320434147455900000162E",
        "urn:epc:tag:usdod-96:3.CAGEY.5678",
        "urn:epc:id:usdod:CAGEY.5678",
    );
    let Epc::UsDod96(u) = epc else {
        panic!("not USDOD-96")
    };
    assert_eq!(u.filter(), 3);
    assert_eq!(u.cage_or_dodaac(), "CAGEY");
    assert_eq!(u.government_managed_identifier(), *b" CAGEY");
    assert_eq!(u.serial(), 5678);
}

/// United States Department of Defense Suppliers' Passive RFID
/// Information Guide, DoD-96 encoding example (CAGE 2S194, filter 0,
/// serial 12,345,678,901), with the hex result 2F02032533139342DFDC1C35
/// as tabulated from that guide in the AMT Datasouth Fastmark M1 user's
/// guide, table 5-10.
#[test]
fn dod_guide_example_usdod96() {
    check_vector(
        "2F02032533139342DFDC1C35",
        "urn:epc:tag:usdod-96:0.2S194.12345678901",
        "urn:epc:id:usdod:2S194.12345678901",
    );
}

/// Third-party cross-checks for other partitions, from the test suites
/// of open-source encoders: epc-encoding-utils (PyPI, README and
/// tests: P=6 and P=5) and epcGS1coder (Java, Giai96Test: P=6).
#[test]
fn third_party_giai96_vectors() {
    check_vector(
        "341800004000000000000001",
        "urn:epc:tag:giai-96:0.000001.1",
        "urn:epc:id:giai:000001.1",
    );
    check_vector(
        "341401388000000000000001",
        "urn:epc:tag:giai-96:0.0020000.1",
        "urn:epc:id:giai:0020000.1",
    );
    check_vector(
        "341816E80000000000010015",
        "urn:epc:tag:giai-96:0.023456.65557",
        "urn:epc:id:giai:023456.65557",
    );
}

// --- Round trips -----------------------------------------------------

#[test]
fn giai96_round_trip_every_partition() {
    for partition in 0u8..=6 {
        let digits = 12 - partition;
        let max_cp = 10u64.pow(u32::from(digits)) - 1;
        let max_ar = Giai96::max_asset_ref(digits).unwrap();
        for (filter, cp, ar) in [
            (0u8, 0u64, 0u64),
            (7, max_cp, max_ar),
            (3, 614_141 % (max_cp + 1), 5678),
            (5, 1, max_ar / 3),
        ] {
            let g = Giai96::new(filter, digits, cp, ar).unwrap();
            assert_eq!(g.partition(), partition);
            assert_eq!(g.company_prefix_digits(), digits);
            let epc = Epc::from(g);
            let bytes = epc.to_bytes();
            assert_eq!(bytes, giai_bits(filter, partition, cp, ar));
            assert_eq!(Epc::from_bytes(&bytes), Ok(epc));
            let uri = epc.to_string();
            let cp_text = format!("{cp:0w$}", w = usize::from(digits));
            assert_eq!(uri, format!("urn:epc:tag:giai-96:{filter}.{cp_text}.{ar}"));
            assert_eq!(
                epc.pure_identity_uri().to_string(),
                format!("urn:epc:id:giai:{cp_text}.{ar}")
            );
            assert_eq!(Epc::parse_tag_uri(&uri), Ok(epc));
        }
    }
}

#[test]
fn giai96_asset_ref_limits() {
    let expected = [
        (12u8, (1u64 << 42) - 1),
        (11, (1 << 45) - 1),
        (10, (1 << 48) - 1),
        (9, (1 << 52) - 1),
        (8, (1 << 55) - 1),
        (7, (1 << 58) - 1),
        (6, (1 << 62) - 1),
    ];
    for (digits, max) in expected {
        assert_eq!(Giai96::max_asset_ref(digits), Some(max));
        assert!(Giai96::new(0, digits, 0, max).is_ok());
        assert_eq!(
            Giai96::new(0, digits, 0, max + 1),
            Err(EpcError::ValueTooLarge {
                field: EpcField::IndividualAssetReference
            })
        );
    }
    assert_eq!(Giai96::max_asset_ref(5), None);
    assert_eq!(Giai96::max_asset_ref(13), None);
}

#[test]
fn usdod96_round_trip() {
    for (filter, id, serial) in [
        (0u8, "2S194", 0u64),
        (15, "ZA18D3", UsDod96::MAX_SERIAL),
        (2, "00000", 1),
        (9, "ZZZZZZ", 123_456),
    ] {
        let u = UsDod96::new(filter, id, serial).unwrap();
        assert_eq!(u.cage_or_dodaac(), id);
        let epc = Epc::from(u);
        assert_eq!(epc.filter(), filter);
        let bytes = epc.to_bytes();
        assert_eq!(bytes[0], 0x2F);
        assert_eq!(Epc::from_bytes(&bytes), Ok(epc));
        let uri = epc.to_string();
        assert_eq!(uri, format!("urn:epc:tag:usdod-96:{filter}.{id}.{serial}"));
        assert_eq!(uri.parse::<Epc>(), Ok(epc));
        assert_eq!(
            epc.pure_identity_uri().to_string(),
            format!("urn:epc:id:usdod:{id}.{serial}")
        );
    }
}

/// The DODAAC example of the DoD guide (ZA18D3, filter 1, serial
/// 12,345,678,901; the guide shows it under the retired 0xCF header):
/// the 48-bit identifier field is the plain ASCII of the six characters.
#[test]
fn usdod96_dodaac_layout() {
    let epc = Epc::from(UsDod96::new(1, "ZA18D3", 12_345_678_901).unwrap());
    assert_eq!(epc.to_bytes(), hex("2F15A41313844332DFDC1C35"));
}

// --- Rejections ------------------------------------------------------

#[test]
fn rejects_bad_header() {
    let mut bytes = hex("3474257BF40000000000162E");
    for header in [0x00, 0x30, 0x35, 0x38, 0xCF, 0xFF] {
        bytes[0] = header;
        assert_eq!(
            Epc::from_bytes(&bytes),
            Err(EpcError::UnknownHeader(header))
        );
    }
}

#[test]
fn rejects_partition_7() {
    // Header 0x34, filter 3, partition 7: 011 111 00 = 0x7C.
    let mut bytes = hex("3474257BF40000000000162E");
    bytes[1] = 0x7C;
    assert_eq!(Epc::from_bytes(&bytes), Err(EpcError::BadPartition(7)));
}

#[test]
fn rejects_company_prefix_wider_than_its_digits() {
    // P=6: 20 bits hold up to 1 048 575 but only 6 digits are allowed.
    let bytes = giai_bits(0, 6, 1_000_000, 1);
    assert_eq!(
        Epc::from_bytes(&bytes),
        Err(EpcError::ValueTooLarge {
            field: EpcField::CompanyPrefix
        })
    );
    assert_eq!(
        Giai96::new(0, 6, 1_000_000, 1),
        Err(EpcError::ValueTooLarge {
            field: EpcField::CompanyPrefix
        })
    );
    // P=0: 40 bits, 12 digits.
    assert!(Epc::from_bytes(&giai_bits(0, 0, 999_999_999_999, 0)).is_ok());
    assert!(Epc::from_bytes(&giai_bits(0, 0, 1_000_000_000_000, 0)).is_err());
}

#[test]
fn rejects_bad_constructor_arguments() {
    assert_eq!(Giai96::new(8, 7, 1, 1), Err(EpcError::FilterOutOfRange(8)));
    assert_eq!(
        Giai96::new(0, 5, 1, 1),
        Err(EpcError::BadCompanyPrefixLength(5))
    );
    assert_eq!(
        Giai96::new(0, 13, 1, 1),
        Err(EpcError::BadCompanyPrefixLength(13))
    );
    assert_eq!(
        UsDod96::new(16, "CAGEY", 1),
        Err(EpcError::FilterOutOfRange(16))
    );
    assert_eq!(
        UsDod96::new(0, "CAGE", 1),
        Err(EpcError::BadCageOrDodaacLength(4))
    );
    assert_eq!(
        UsDod96::new(0, "CAGEYYY", 1),
        Err(EpcError::BadCageOrDodaacLength(7))
    );
    assert_eq!(
        UsDod96::new(0, "CAGEY", 1 << 36),
        Err(EpcError::ValueTooLarge {
            field: EpcField::SerialNumber
        })
    );
    for (id, position) in [
        ("cagey", 0),
        ("CAGIY", 3),
        ("CAGEO", 4),
        (" CAGE", 0),
        ("AB-12", 2),
        ("ÄBCD", 0),
        (" CAGEY", 0),
    ] {
        assert_eq!(
            UsDod96::new(0, id, 1),
            Err(EpcError::BadCharacter { position }),
            "{id}"
        );
    }
}

#[test]
fn rejects_bad_identifier_bytes() {
    let good = hex("2F320434147455900000162E"); // " CAGEY"
    let epc = Epc::from_bytes(&good).unwrap();
    let Epc::UsDod96(u) = epc else {
        panic!("not USDOD-96")
    };
    let bits = (u128::from(UsDod96::HEADER) << HEADER_SHIFT) | u.bits_after_header();
    // Replace the identifier with bad ones and re-encode.
    for (gmi, position) in [
        (*b"  CAGE", 1),
        (*b" cagey", 1),
        (*b"CAGEY ", 5),
        (*b"\0CAGEY", 0),
        (*b" CAIEY", 3),
    ] {
        let mut g = 0u128;
        for c in gmi {
            g = (g << 8) | u128::from(c);
        }
        let bad = (bits & !(mask(48) << 36)) | (g << 36);
        let b = bad.to_be_bytes();
        let mut bytes = [0u8; 12];
        bytes.copy_from_slice(&b[4..]);
        assert_eq!(
            Epc::from_bytes(&bytes),
            Err(EpcError::BadCharacter { position }),
            "{gmi:?}"
        );
    }
}

#[test]
fn rejects_malformed_uris() {
    let cases: &[(&str, EpcError)] = &[
        ("", EpcError::BadUri { position: 0 }),
        (
            "urn:epc:tag:sgtin-96:3.0614141.812345.6789",
            EpcError::BadUri { position: 12 },
        ),
        (
            "URN:EPC:TAG:GIAI-96:3.0614141.5678",
            EpcError::BadUri { position: 0 },
        ),
        (
            "urn:epc:id:giai:0614141.5678",
            EpcError::BadUri { position: 8 },
        ),
        ("urn:epc:tag:giai-96:", EpcError::BadUri { position: 20 }),
        ("urn:epc:tag:giai-96:3", EpcError::BadUri { position: 21 }),
        (
            "urn:epc:tag:giai-96:3.0614141",
            EpcError::BadUri { position: 29 },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.",
            EpcError::BadUri { position: 30 },
        ),
        (
            "urn:epc:tag:giai-96:.0614141.5678",
            EpcError::BadUri { position: 20 },
        ),
        (
            "urn:epc:tag:giai-96:03.0614141.5678",
            EpcError::BadUri { position: 20 },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.05678",
            EpcError::BadUri { position: 30 },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.5678.9",
            EpcError::BadUri { position: 34 },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.5678 ",
            EpcError::BadUri { position: 34 },
        ),
        (
            "urn:epc:tag:giai-96:3.06141x1.5678",
            EpcError::BadUri { position: 27 },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.-5678",
            EpcError::BadUri { position: 30 },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.+5678",
            EpcError::BadUri { position: 30 },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.56A8",
            EpcError::BadUri { position: 32 },
        ),
        (
            "urn:epc:tag:giai-96:8.0614141.5678",
            EpcError::FilterOutOfRange(8),
        ),
        (
            "urn:epc:tag:giai-96:300.0614141.5678",
            EpcError::ValueTooLarge {
                field: EpcField::Filter,
            },
        ),
        (
            "urn:epc:tag:giai-96:3.61414.5678",
            EpcError::BadCompanyPrefixLength(5),
        ),
        (
            "urn:epc:tag:giai-96:3.0614141234567.5678",
            EpcError::BadCompanyPrefixLength(13),
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.288230376151711744",
            EpcError::ValueTooLarge {
                field: EpcField::IndividualAssetReference,
            },
        ),
        (
            "urn:epc:tag:giai-96:3.0614141.99999999999999999999999",
            EpcError::ValueTooLarge {
                field: EpcField::IndividualAssetReference,
            },
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGEY",
            EpcError::BadUri { position: 28 },
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGEY.",
            EpcError::BadUri { position: 29 },
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGEY.05678",
            EpcError::BadUri { position: 29 },
        ),
        (
            "urn:epc:tag:usdod-96:16.CAGEY.5678",
            EpcError::FilterOutOfRange(16),
        ),
        (
            "urn:epc:tag:usdod-96:3.CaGEY.5678",
            EpcError::BadCharacter { position: 24 },
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGIY.5678",
            EpcError::BadCharacter { position: 26 },
        ),
        (
            "urn:epc:tag:usdod-96:3. CAGE.5678",
            EpcError::BadCharacter { position: 23 },
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGE.5678",
            EpcError::BadCageOrDodaacLength(4),
        ),
        (
            "urn:epc:tag:usdod-96:3..5678",
            EpcError::BadCageOrDodaacLength(0),
        ),
        (
            "urn:epc:tag:usdod-96:3.CAGEY.68719476736",
            EpcError::ValueTooLarge {
                field: EpcField::SerialNumber,
            },
        ),
    ];
    for (uri, err) in cases {
        assert_eq!(Epc::parse_tag_uri(uri), Err(*err), "{uri}");
    }
    // The largest values are accepted.
    assert!(Epc::parse_tag_uri("urn:epc:tag:usdod-96:15.CAGEY.68719476735").is_ok());
    assert!(Epc::parse_tag_uri("urn:epc:tag:giai-96:7.0614141.288230376151711743").is_ok());
    assert!(Epc::parse_tag_uri("urn:epc:tag:giai-96:0.0614141.0").is_ok());
}

#[test]
fn error_messages_say_what_and_where() {
    let msg = EpcError::BadUri { position: 30 }.to_string();
    assert!(msg.contains("30"), "{msg}");
    let msg = EpcError::UnknownHeader(0x30).to_string();
    assert!(msg.contains("0x30"), "{msg}");
    let msg = EpcError::ValueTooLarge {
        field: EpcField::SerialNumber,
    }
    .to_string();
    assert!(msg.contains("serial number"), "{msg}");
    let msg = EpcError::BadCharacter { position: 3 }.to_string();
    assert!(msg.contains('3'), "{msg}");
    let msg = EpcError::BadPartition(7).to_string();
    assert!(msg.contains('7'), "{msg}");
}

// --- Serde -------------------------------------------------------------

#[test]
fn postcard_writes_exactly_the_12_bytes() {
    let bytes = hex("3474257BF40000000000162E");
    let epc = Epc::from_bytes(&bytes).unwrap();
    let encoded: Vec<u8> = postcard::to_stdvec(&epc).unwrap();
    assert_eq!(encoded, bytes.to_vec());
    assert_eq!(postcard::from_bytes::<Epc>(&encoded), Ok(epc));

    let dod = Epc::from_bytes(&hex("2F02032533139342DFDC1C35")).unwrap();
    let encoded = postcard::to_stdvec(&dod).unwrap();
    assert_eq!(encoded, hex("2F02032533139342DFDC1C35").to_vec());
    assert_eq!(postcard::from_bytes::<Epc>(&encoded), Ok(dod));

    // Fixed buffer of the advertised maximum size suffices.
    use postcard::experimental::max_size::MaxSize;
    assert_eq!(Epc::POSTCARD_MAX_SIZE, 12);
    let mut buf = [0u8; Epc::POSTCARD_MAX_SIZE];
    assert_eq!(postcard::to_slice(&epc, &mut buf).unwrap().len(), 12);
}

#[test]
fn postcard_rejects_bad_or_short_input() {
    let mut bytes = hex("3474257BF40000000000162E");
    bytes[1] = 0x7C; // partition 7
    assert!(postcard::from_bytes::<Epc>(&bytes).is_err());
    assert!(postcard::from_bytes::<Epc>(&bytes[..11]).is_err());
    assert!(postcard::from_bytes::<Epc>(&[0x2F; 12]).is_err());
}

#[test]
fn human_readable_deserialize_parses_the_tag_uri() {
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error as ValueError, StrDeserializer};

    let de: StrDeserializer<'_, ValueError> =
        "urn:epc:tag:usdod-96:3.CAGEY.5678".into_deserializer();
    let epc = Epc::deserialize(de).unwrap();
    assert_eq!(epc.to_bytes(), hex("2F320434147455900000162E"));

    let de: StrDeserializer<'_, ValueError> =
        "urn:epc:tag:usdod-96:3.CAGIY.5678".into_deserializer();
    let err = Epc::deserialize(de).unwrap_err().to_string();
    assert!(err.contains("position 26"), "{err}");
}

/// What the fields of 12 bytes say, read from one `u128` as the Tag Data Standard lays
/// them out: the reference the byte-wise reading is held to.
fn reference(bytes: &[u8; 12]) -> Result<Epc, EpcError> {
    let mut wide = [0u8; 16];
    wide[4..].copy_from_slice(bytes);
    let bits = u128::from_be_bytes(wide);
    match bytes[0] {
        Giai96::HEADER => {
            let partition = ((bits >> 82) & 0x7) as u8;
            let row = GIAI96_PARTITIONS
                .get(usize::from(partition))
                .ok_or(EpcError::BadPartition(partition))?;
            let cp = (bits >> row.ar_bits) & mask(row.cp_bits.into());
            let ar = bits & mask(row.ar_bits.into());
            Giai96::new(
                ((bits >> 85) & 0x7) as u8,
                row.cp_digits,
                cp as u64,
                ar as u64,
            )
            .map(Epc::Giai96)
        }
        UsDod96::HEADER => {
            let mut gmi = [0u8; 6];
            gmi.copy_from_slice(&((bits >> 36) & mask(48)).to_be_bytes()[10..]);
            let (offset, id) = match &gmi {
                [b' ', rest @ ..] => (1, &rest[..]),
                all => (0, &all[..]),
            };
            if let Some(i) = first_bad_cage_char(id) {
                return Err(EpcError::BadCharacter {
                    position: offset + i,
                });
            }
            let id = core::str::from_utf8(id).unwrap();
            UsDod96::new(((bits >> 84) & 0xF) as u8, id, (bits & mask(36)) as u64).map(Epc::UsDod96)
        }
        other => Err(EpcError::UnknownHeader(other)),
    }
}

proptest::proptest! {
    #![proptest_config(proptest::test_runner::Config {
        cases: 20_000,
        failure_persistence: None,
        ..proptest::test_runner::Config::default()
    })]

    /// Any 12 bytes decode to an EPC that encodes to the same bytes, as the reference
    /// reads them, or are refused as the reference refuses them.
    #[test]
    fn bytes_decode_as_their_fields_say(
        header in proptest::sample::select(vec![Giai96::HEADER, UsDod96::HEADER, 0x30]),
        rest in proptest::array::uniform11(proptest::prelude::any::<u8>()),
        cage in proptest::collection::vec(proptest::sample::select(b" 0123456789ABCDEFGHJKLMNPQRSTUVWXYZI".to_vec()), 6),
        use_cage in proptest::prelude::any::<bool>(),
    ) {
        let mut bytes = [0u8; 12];
        bytes[0] = header;
        bytes[1..].copy_from_slice(&rest);
        if use_cage && header == UsDod96::HEADER {
            // Characters from the CAGE set (and a few outside it) where random bytes would
            // almost never be.
            for (i, c) in cage.iter().enumerate() {
                bytes[1 + i] = (bytes[1 + i] & 0xF0) | (c >> 4);
                bytes[2 + i] = (c << 4) | (bytes[2 + i] & 0x0F);
            }
        }
        let decoded = Epc::from_bytes(&bytes);
        if let Ok(epc) = decoded {
            proptest::prop_assert_eq!(epc.to_bytes(), bytes);
        }
        match (decoded, reference(&bytes)) {
            (Ok(a), Ok(b)) => proptest::prop_assert_eq!(a, b),
            (Err(a), Err(b)) => proptest::prop_assert_eq!(a, b),
            (a, b) => proptest::prop_assert!(false, "{:?} against {:?}", a, b),
        }
    }
}

#[test]
fn epc_is_hashable_and_comparable() {
    use std::collections::HashSet;
    let a = Epc::from_bytes(&hex("3474257BF40000000000162E")).unwrap();
    let b = Epc::from_bytes(&hex("2F320434147455900000162E")).unwrap();
    let set: HashSet<Epc> = vec![a, b, a].into_iter().collect();
    assert_eq!(set.len(), 2);
}
