//! Golden memory images: whole tag memories as each layout version lays them out, with the
//! entries a mount and a read must give. A layout version, once shipped, stays readable: these
//! images pin that promise as `tests/vectors/` pins the records.
//!
//! Each image is a journey of box 1 written by the log of its version on a memory of each
//! family, reclaimed once, then appended to again, so that a segment in use is not segment 0's
//! first use. `REMTAG_BLESS=1 cargo test -p remtag-tests --test layout_vectors` writes the
//! images of the current layout; older versions' images are never rewritten.

use std::fs;
use std::path::PathBuf;

use remtag::log::medium::{Medium, MediumInfo};
use remtag::log::{Entry, LayoutConfig, Log};
use remtag::model::{Body, Seq};
use remtag_tests::journey::journey;
use remtag_tests::{blessing, vectors_dir};
use serde::{Deserialize, Serialize};

/// A memory held in RAM that obeys its family's rules: on NOR flash programming only clears
/// bits.
struct Ram {
    bytes: Vec<u8>,
    info: MediumInfo,
}

impl Medium for Ram {
    type Error = ();

    fn info(&self) -> MediumInfo {
        self.info
    }

    fn read(&mut self, offset: u32, buf: &mut [u8]) -> Result<(), ()> {
        let at = offset as usize;
        buf.copy_from_slice(self.bytes.get(at..at + buf.len()).ok_or(())?);
        Ok(())
    }

    fn program(&mut self, offset: u32, data: &[u8]) -> Result<(), ()> {
        let at = offset as usize;
        let nor = self.info.erase_size.is_some();
        let dst = self.bytes.get_mut(at..at + data.len()).ok_or(())?;
        for (d, s) in dst.iter_mut().zip(data) {
            *d = if nor { *d & *s } else { *s };
        }
        Ok(())
    }

    fn erase(&mut self, from: u32, to: u32) -> Result<(), ()> {
        self.bytes
            .get_mut(from as usize..to as usize)
            .ok_or(())?
            .fill(0xff);
        Ok(())
    }
}

/// One golden image: the memory it is for and what reading it gives.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct ImageVector {
    description: String,
    layout_version: u8,
    capacity: u32,
    write_size: u32,
    erase_size: Option<u32>,
    /// The image file beside this one.
    image: String,
    /// Every entry of `Log::read_from(0)`, in order.
    entries: Vec<ExpectedEntry>,
    /// The sequence number the next record must carry.
    next_seq: u32,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
struct ExpectedEntry {
    seq: u32,
    offset: u32,
    hex: String,
}

/// The memories of the golden images: a 24LC256 EEPROM, NOR flash with 256-byte sectors and
/// 4-byte words, and NTAG216 NFC memory.
fn memories() -> [(&'static str, &'static str, MediumInfo); 3] {
    [
        (
            "eeprom-24lc256",
            "A 24LC256 EEPROM (32 KiB, written byte by byte)",
            MediumInfo {
                capacity: 32 * 1024,
                write_size: 1,
                erase_size: None,
            },
        ),
        (
            "nor-4-256",
            "NOR flash of 16 KiB, 4-byte words, 256-byte sectors",
            MediumInfo {
                capacity: 16 * 1024,
                write_size: 4,
                erase_size: Some(256),
            },
        ),
        (
            "ntag216",
            "NTAG216 NFC tag memory (888 bytes, 4-byte pages)",
            MediumInfo {
                capacity: 888,
                write_size: 4,
                erase_size: None,
            },
        ),
    ]
}

fn folder(version: u8) -> PathBuf {
    vectors_dir().join(format!("layout-v{version}"))
}

/// Writes a journey on a blank memory: as many records as fit before the first reclaim, a
/// reclaim up to the newest checkpoint, then more records.
fn write_image(info: MediumInfo) -> Ram {
    let blank = if info.erase_size.is_some() || info.write_size == 1 {
        0xff
    } else {
        0x00
    };
    let records = journey(120);
    let ram = Ram {
        bytes: vec![blank; info.capacity as usize],
        info,
    };
    let mut log = Log::format(ram, LayoutConfig::default(), &records[0]).expect("formats");
    let single_segment = log.layout().segments == 1;
    let first_fill = if single_segment { 14 } else { 80 };
    for r in &records[1..first_fill] {
        log.append(r).expect("appends");
    }
    if !single_segment {
        let checkpoint = records[..first_fill]
            .iter()
            .rev()
            .find(|r| matches!(r.body, Body::Checkpoint(_)))
            .expect("a checkpoint");
        assert!(log.reclaim(checkpoint.header.seq).expect("reclaims") > 0);
        for r in &records[first_fill..] {
            log.append(r).expect("appends");
        }
    }
    log.into_medium()
}

fn read(mut ram: Ram) -> (Vec<ExpectedEntry>, u32) {
    let (mut log, report) = Log::mount(&mut ram, LayoutConfig::default()).expect("mounts");
    assert_eq!(report.damage_count, 0, "{report:?}");
    let entries = log
        .read_from(Seq(0))
        .map(|e| match e.expect("reads") {
            Entry::Record {
                offset,
                record,
                stored,
                ..
            } => ExpectedEntry {
                seq: record.header.seq.0,
                offset,
                hex: hex::encode(stored),
            },
            Entry::Damage(d) => panic!("damage in a golden image: {d}"),
        })
        .collect();
    let next = log.next_seq().map_or(u32::MAX, |s| s.0);
    (entries, next)
}

#[test]
fn every_layout_versions_images_read_as_recorded() {
    let mut checked = 0;
    for version in 1..=3u8 {
        let dir = folder(version);
        let Ok(files) = fs::read_dir(&dir) else {
            continue;
        };
        for file in files {
            let path = file.expect("lists").path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let vector: ImageVector =
                serde_json::from_str(&fs::read_to_string(&path).expect("reads")).expect("parses");
            let image = fs::read(dir.join(&vector.image)).expect("the image is there");
            assert_eq!(image.len() as u32, vector.capacity, "{}", path.display());
            let ram = Ram {
                bytes: image,
                info: MediumInfo {
                    capacity: vector.capacity,
                    write_size: vector.write_size,
                    erase_size: vector.erase_size,
                },
            };
            let (entries, next) = read(ram);
            assert_eq!(entries, vector.entries, "{}", path.display());
            assert_eq!(next, vector.next_seq, "{}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} golden images found");
}

/// Writes the current layout's images (`REMTAG_BLESS=1`), or checks that the log still writes
/// them byte for byte.
#[test]
fn the_current_layout_writes_its_golden_images() {
    let version = CURRENT_LAYOUT;
    let dir = folder(version);
    for (name, description, info) in memories() {
        let ram = write_image(info);
        let image = ram.bytes.clone();
        let (entries, next_seq) = read(ram);
        let vector = ImageVector {
            description: format!(
                "{description}: box 1's journey written by layout version {version}, reclaimed \
                 once where the memory has more than one segment, then appended to again."
            ),
            layout_version: version,
            capacity: info.capacity,
            write_size: info.write_size,
            erase_size: info.erase_size,
            image: format!("{name}.img"),
            entries,
            next_seq,
        };
        let json = dir.join(format!("{name}.json"));
        if blessing() {
            fs::create_dir_all(&dir).expect("creates the folder");
            fs::write(dir.join(&vector.image), &image).expect("writes");
            let text = serde_json::to_string_pretty(&vector).expect("serializes") + "\n";
            fs::write(&json, text).expect("writes");
            continue;
        }
        let stored = fs::read(dir.join(&vector.image)).expect("the image is there");
        assert!(
            stored == image,
            "{name}: the log no longer writes its golden image"
        );
        let expected: ImageVector =
            serde_json::from_str(&fs::read_to_string(&json).expect("reads")).expect("parses");
        assert_eq!(expected, vector);
    }
}

/// The layout version the log writes today.
const CURRENT_LAYOUT: u8 = 3;
