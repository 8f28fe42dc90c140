//! GS1 Core Business Vocabulary 2.0: business steps and dispositions.
//!
//! Both enums list every value the EPCIS 2.0 JSON schema allows, in a fixed order (alphabetical
//! but for `mismatch_instance` before `mismatch_class`). The wire form is the position in that
//! list, pinned by `docs/FORMAT.md`, so new values may only ever be added at the end.

use serde::{Deserialize, Serialize};

macro_rules! vocabulary {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub enum $name {
            $($(#[$vdoc])* #[doc = concat!("CBV code `", $code, "`.")] $variant,)+
        }

        wire_order!($name: $($variant),+);

        impl $name {
            /// The CBV code, as in `urn:epcglobal:cbv:...:CODE` or a bare EPCIS 2.0 JSON value.
            pub const fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }

            /// The value whose CBV code is `code`.
            pub fn from_code(code: &str) -> Option<Self> {
                match code { $($code => Some($name::$variant),)+ _ => None }
            }
        }

        impl postcard::experimental::max_size::MaxSize for $name {
            const POSTCARD_MAX_SIZE: usize = 1;
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}

vocabulary!(
    /// What business step a record documents (CBV 2.0 `bizStep`).
    BizStep {
        Accepting = "accepting",
        Arriving = "arriving",
        Assembling = "assembling",
        Collecting = "collecting",
        Commissioning = "commissioning",
        Consigning = "consigning",
        CreatingClassInstance = "creating_class_instance",
        CycleCounting = "cycle_counting",
        Decommissioning = "decommissioning",
        Departing = "departing",
        Destroying = "destroying",
        Disassembling = "disassembling",
        Dispensing = "dispensing",
        Encoding = "encoding",
        EnteringExiting = "entering_exiting",
        Holding = "holding",
        Inspecting = "inspecting",
        Installing = "installing",
        Killing = "killing",
        Loading = "loading",
        Other = "other",
        Packing = "packing",
        Picking = "picking",
        Receiving = "receiving",
        Removing = "removing",
        Repackaging = "repackaging",
        Repairing = "repairing",
        Replacing = "replacing",
        Reserving = "reserving",
        RetailSelling = "retail_selling",
        Sampling = "sampling",
        SensorReporting = "sensor_reporting",
        Shipping = "shipping",
        StagingOutbound = "staging_outbound",
        StockTaking = "stock_taking",
        Stocking = "stocking",
        Storing = "storing",
        Transporting = "transporting",
        Unloading = "unloading",
        Unpacking = "unpacking",
        VoidShipping = "void_shipping",
    }
);

vocabulary!(
    /// The state of the object after the step (CBV 2.0 `disposition`).
    Disposition {
        Active = "active",
        Available = "available",
        CompletenessInferred = "completeness_inferred",
        CompletenessVerified = "completeness_verified",
        Conformant = "conformant",
        ContainerClosed = "container_closed",
        ContainerOpen = "container_open",
        Damaged = "damaged",
        Destroyed = "destroyed",
        Dispensed = "dispensed",
        Disposed = "disposed",
        Encoded = "encoded",
        Expired = "expired",
        InProgress = "in_progress",
        InTransit = "in_transit",
        Inactive = "inactive",
        MismatchInstance = "mismatch_instance",
        MismatchClass = "mismatch_class",
        MismatchQuantity = "mismatch_quantity",
        NeedsReplacement = "needs_replacement",
        NoPedigreeMatch = "no_pedigree_match",
        NonConformant = "non_conformant",
        NonSellableOther = "non_sellable_other",
        PartiallyDispensed = "partially_dispensed",
        Recalled = "recalled",
        Reserved = "reserved",
        RetailSold = "retail_sold",
        Returned = "returned",
        SellableAccessible = "sellable_accessible",
        SellableNotAccessible = "sellable_not_accessible",
        Stolen = "stolen",
        Unavailable = "unavailable",
        Unknown = "unknown",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        for step in BizStep::ALL {
            assert_eq!(BizStep::from_code(step.code()), Some(*step));
        }
        for d in Disposition::ALL {
            assert_eq!(Disposition::from_code(d.code()), Some(*d));
        }
        assert_eq!(BizStep::from_code("flying"), None);
    }

    #[test]
    fn every_value_fits_one_wire_byte() {
        assert!(BizStep::ALL.len() < 128 && Disposition::ALL.len() < 128);
    }
}
