//! Small identifiers: sequence numbers and references into the directories that readers hold.
//!
//! A tag stores numbers, never names: a party, a place or a signing key is a short reference that
//! the custodians' directory resolves. That keeps personal data off the tag and keeps records small.

use serde::{Deserialize, Serialize};

macro_rules! reference {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        #[serde(transparent)]
        pub struct $name(pub u32);

        impl postcard::experimental::max_size::MaxSize for $name {
            const POSTCARD_MAX_SIZE: usize =
                <u32 as postcard::experimental::max_size::MaxSize>::POSTCARD_MAX_SIZE;
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Display::fmt(&self.0, f)
            }
        }
    };
}

reference!(
    /// The position of a record in its tag's log: 0 for the first record, then one more for each.
    Seq
);
reference!(
    /// A party (an organisation, a team or a custodian role) in the custodians' directory.
    PartyRef
);
reference!(
    /// A registered place (an airfield, a laboratory, a recovery area) in the directory.
    PlaceRef
);
reference!(
    /// A signing key in the keys directory; one party may hold several keys over the years.
    KeyId
);
reference!(
    /// The number printed on a tamper-evident seal.
    SealNumber
);

impl Seq {
    /// The sequence number that follows this one, or `None` at the end of the number space.
    pub fn next(self) -> Option<Seq> {
        self.0.checked_add(1).map(Seq)
    }
}
