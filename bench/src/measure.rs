//! What is measured: the journey of one box against the size targets, and every record of its
//! history.

use remtag::{Body, Record};
use remtag_sim::logbuilder::LogBuilder;
use remtag_sim::story;

use crate::codecs::{Codec, Error};

/// Most bytes for a custody hand-over stored as the first record of a log.
pub const FIRST_CUSTODY_MAX: usize = 32;
/// Most bytes for each custody hand-over delta-coded in the log.
pub const CUSTODY_IN_LOG_MAX: usize = 20;
/// Most bytes for the commission record.
pub const COMMISSION_MAX: usize = 48;
/// Most bytes for the commission and the custody records of the journey together.
pub const JOURNEY_MAX: usize = 200;

/// The size in bytes of one record in every codec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sizes([usize; Codec::ALL.len()]);

impl Sizes {
    /// The sizes of `record` encoded on its own in every codec (see [`Codec::encode`]).
    pub fn standalone(record: &Record) -> Result<Self, Error> {
        let mut sizes = [0; Codec::ALL.len()];
        for (size, codec) in sizes.iter_mut().zip(Codec::ALL) {
            *size = codec.encode(record)?.len();
        }
        Ok(Sizes(sizes))
    }

    /// The sizes of `record` of `log`: remtag's is its stored length there, delta-coded against
    /// the records before it; the other codecs encode it on their own.
    pub fn in_log(log: &LogBuilder, record: &Record) -> Result<Self, Error> {
        let stored = log
            .stored(record.header.seq)
            .ok_or_else(|| format!("record {} is not in the log", record.header.seq))?;
        let mut sizes = Self::standalone(record)?;
        sizes.0[Codec::Remtag.index()] = stored.len();
        Ok(sizes)
    }

    /// The size in `codec`.
    pub fn get(&self, codec: Codec) -> usize {
        self.0[codec.index()]
    }
}

/// How a row sums up the sizes of several records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stat {
    /// The smallest.
    Min,
    /// The largest.
    Max,
    /// The arithmetic mean.
    Mean,
    /// The sum (for one record, its size).
    Total,
}

impl Stat {
    /// The statistic over `samples` in `codec`; 0 for no samples.
    pub fn of(self, samples: &[Sizes], codec: Codec) -> f64 {
        let sizes = samples.iter().map(|s| s.get(codec));
        let value = match self {
            Self::Min => sizes.min().unwrap_or_default(),
            Self::Max => sizes.max().unwrap_or_default(),
            Self::Total | Self::Mean => sizes.sum(),
        } as f64;
        match self {
            Self::Mean if !samples.is_empty() => value / samples.len() as f64,
            _ => value,
        }
    }
}

/// One line of a comparison table.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// What is measured.
    pub item: String,
    /// The most bytes remtag may take, if there is a target.
    pub target: Option<usize>,
    /// The value in each codec, in the order of [`Codec::ALL`].
    pub values: [f64; Codec::ALL.len()],
}

impl Row {
    /// The row of `stat` over `samples`.
    pub fn new(
        item: impl Into<String>,
        target: Option<usize>,
        stat: Stat,
        samples: &[Sizes],
    ) -> Self {
        Row {
            item: item.into(),
            target,
            values: Codec::ALL.map(|codec| stat.of(samples, codec)),
        }
    }

    /// The value in `codec`.
    pub fn value(&self, codec: Codec) -> f64 {
        self.values[codec.index()]
    }
}

/// The sizes of one box's journey: the commission and the custody hand-overs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Journey {
    /// The first custody hand-over (at Kalma), encoded as the first record of a fresh log.
    pub first_custody: Sizes,
    /// The commission record, the first of the log.
    pub commission: Sizes,
    /// Every custody record as stored in the log.
    pub custody: Vec<Sizes>,
}

impl Journey {
    /// Measures the journey of box `box_number` ([`story::journey`]).
    pub fn measure(box_number: u32) -> Result<Self, Error> {
        let log = story::journey(box_number)?;
        let (commission, rest) = log
            .records()
            .split_first()
            .filter(|(first, _)| matches!(first.body, Body::Commission(_)))
            .ok_or("the journey does not start with a commission")?;
        if !rest.iter().all(|r| matches!(r.body, Body::Custody(_))) {
            return Err("the journey has records other than custody after the commission".into());
        }
        let first = rest.first().ok_or("the journey has no custody record")?;
        Ok(Journey {
            first_custody: Sizes::standalone(first)?,
            commission: Sizes::in_log(&log, commission)?,
            custody: rest
                .iter()
                .map(|r| Sizes::in_log(&log, r))
                .collect::<Result<_, _>>()?,
        })
    }

    /// The commission and every custody record, as stored in the log.
    pub fn all(&self) -> Vec<Sizes> {
        std::iter::once(self.commission)
            .chain(self.custody.iter().copied())
            .collect()
    }

    /// The rows of the journey table; the rows with a target are the four size targets.
    pub fn rows(&self) -> Vec<Row> {
        let n = self.custody.len();
        let in_log = format!("custody hand-over, delta-coded in the log ({n} records)");
        vec![
            Row::new(
                "custody hand-over as the first record of a log (Kalma)",
                Some(FIRST_CUSTODY_MAX),
                Stat::Total,
                &[self.first_custody],
            ),
            Row::new(format!("{in_log}: min"), None, Stat::Min, &self.custody),
            Row::new(
                format!("{in_log}: max"),
                Some(CUSTODY_IN_LOG_MAX),
                Stat::Max,
                &self.custody,
            ),
            Row::new(format!("{in_log}: mean"), None, Stat::Mean, &self.custody),
            Row::new(
                "commission",
                Some(COMMISSION_MAX),
                Stat::Total,
                &[self.commission],
            ),
            Row::new(
                format!("commission + {n} custody, total"),
                Some(JOURNEY_MAX),
                Stat::Total,
                &self.all(),
            ),
        ]
    }
}

/// One row per record of the whole history of box `box_number` ([`story::history`]), remtag
/// as stored in the log, then a row with the total.
pub fn history_rows(box_number: u32) -> Result<Vec<Row>, Error> {
    let log = story::history(box_number)?;
    let mut all = Vec::new();
    let mut rows = Vec::new();
    for record in log.records() {
        let sizes = Sizes::in_log(&log, record)?;
        rows.push(Row::new(
            format!("{} {}", record.header.seq, record_name(record)),
            None,
            Stat::Total,
            &[sizes],
        ));
        all.push(sizes);
    }
    rows.push(Row::new(
        format!("all {} records, total", all.len()),
        None,
        Stat::Total,
        &all,
    ));
    Ok(rows)
}

/// A short name for a record: its type, and its business step or kind where it has one.
fn record_name(record: &Record) -> String {
    let name = record.body.record_type().name();
    match &record.body {
        Body::Custody(c) => format!("{name} ({})", c.step),
        Body::Inspect(i) => format!("{name} ({:?})", i.kind),
        _ => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The four size targets of the stored format, on the journey of box 1.
    #[test]
    fn journey_meets_the_size_targets() -> Result<(), Error> {
        let journey = Journey::measure(1)?;
        let remtag = |samples: &[Sizes], stat: Stat| stat.of(samples, Codec::Remtag);
        assert_eq!(journey.custody.len(), 8, "commission + 8 custody records");

        let first = remtag(&[journey.first_custody], Stat::Total);
        assert!(
            first <= FIRST_CUSTODY_MAX as f64,
            "first-of-log custody: {first} bytes"
        );
        let in_log = remtag(&journey.custody, Stat::Max);
        assert!(
            in_log <= CUSTODY_IN_LOG_MAX as f64,
            "custody in the log: up to {in_log} bytes"
        );
        let commission = remtag(&[journey.commission], Stat::Total);
        assert!(
            commission <= COMMISSION_MAX as f64,
            "commission: {commission} bytes"
        );
        let total = remtag(&journey.all(), Stat::Total);
        assert!(total <= JOURNEY_MAX as f64, "journey: {total} bytes");

        let log = story::journey(1)?;
        assert_eq!(
            total,
            log.bytes().len() as f64,
            "the total is the whole log"
        );
        Ok(())
    }

    #[test]
    fn stats_of_sizes() {
        let samples = [
            Sizes([1, 2, 3, 4, 5, 6, 7]),
            Sizes([2, 4, 6, 8, 10, 12, 14]),
        ];
        assert_eq!(Stat::Min.of(&samples, Codec::Cbor), 3.0);
        assert_eq!(Stat::Max.of(&samples, Codec::Json), 14.0);
        assert_eq!(Stat::Mean.of(&samples, Codec::Remtag), 1.5);
        assert_eq!(Stat::Total.of(&samples, Codec::Protobuf), 12.0);
        assert_eq!(Stat::Mean.of(&[], Codec::Remtag), 0.0);
    }
}
