//! Custody and aggregation: who holds the container, where, and what it is packed in.

use postcard::experimental::max_size::MaxSize;
use serde::{Deserialize, Serialize};

use crate::model::cbv::{BizStep, Disposition};
use crate::model::epc::Epc;
use crate::model::ids::{PartyRef, SealNumber};

/// One line of a custody form: a step, a hand-over from one party to another, the seal and the
/// condition of the container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Custody {
    /// The business step.
    pub step: BizStep,
    /// The container's disposition after the step.
    pub disposition: Disposition,
    /// The party releasing custody (the same as `to` when nothing changes hands).
    pub from: PartyRef,
    /// The party receiving custody.
    pub to: PartyRef,
    /// The seal on the container, if it has one.
    pub seal: Option<Seal>,
    /// The container's condition as observed.
    pub condition: Condition,
}

/// A tamper-evident seal and what was seen of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Seal {
    /// The number printed on the seal.
    pub number: SealNumber,
    /// Its state.
    pub state: SealState,
}

/// The state of a seal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SealState {
    /// Put on at this step.
    Applied,
    /// Checked and intact.
    Intact,
    /// Found broken.
    Broken,
    /// Found missing.
    Missing,
    /// Removed on purpose at this step (for example to open the box in the laboratory).
    Removed,
}

wire_order!(SealState: Applied, Intact, Broken, Missing, Removed);

/// The condition of a container.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Condition {
    /// No damage seen.
    Good,
    /// Damaged.
    Damaged,
    /// Wet or stained by water.
    Wet,
    /// Found open.
    Opened,
    /// Not observed.
    NotObserved,
}

wire_order!(Condition: Good, Damaged, Wet, Opened, NotObserved);

/// A container placed into, or taken out of, a larger one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Aggregate {
    /// Placed in or taken out.
    pub action: AggregateAction,
    /// The transfer case or pallet.
    pub parent: Epc,
}

/// Whether a container went into or out of its parent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, MaxSize)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AggregateAction {
    /// Placed into the parent (EPCIS `ADD`).
    Add,
    /// Taken out of the parent (EPCIS `DELETE`).
    Delete,
}

wire_order!(AggregateAction: Add, Delete);
