//! One tag's plan: the scenario's template and timeline evaluated for that tag, its random
//! draws made from the run's seed, its actions in time order.

use remtag::chain::Chain;
use remtag::model::*;

use super::expr::Vars;
use super::{
    BodyTemplate, ClaimTemplate, CustodyTemplate, LabelTemplate, Located, Memory, Num,
    ObservationTemplate, Scenario, Session, StepAction, TamperHow, commission_body,
};

/// What one tag goes through.
#[derive(Clone, Debug)]
pub struct TagPlan {
    /// `<group>-<n>`, with `n` zero-padded to the width of the group's count (at least 3).
    pub name: String,
    /// The group.
    pub group: String,
    /// The tag's number in its group, from 1.
    pub n: usize,
    /// The tag's identity.
    pub epc: Epc,
    /// The commission record's body.
    pub commission: Body,
    /// The memory chip.
    pub memory: Memory,
    /// Whether the tag has a GNSS receiver following the route.
    pub gnss: bool,
    /// What happens, in time order.
    pub actions: Vec<Planned>,
    /// The seed of the run it is part of.
    pub run_seed: u64,
    /// The seed of the run-time choices (which record rots, which one an adversary changes).
    pub choices: u64,
}

/// An action at a time.
#[derive(Clone, Debug)]
pub struct Planned {
    /// When, unix seconds.
    pub at: i64,
    /// Where in the scenario file it comes from.
    pub pos: String,
    /// The name later actions refer to the record it makes by.
    pub id: Option<String>,
    /// What.
    pub action: Action,
}

/// An action, every value known but the sequence numbers of earlier records.
#[derive(Clone, Debug)]
pub enum Action {
    /// A reader commissions the tag.
    Commission(Session),
    /// Someone presses the button to record a custody step (a reader sets it first if the
    /// button records another).
    Press(PartyRef, Custody),
    /// A reader appends a record.
    Record(Session, PlannedBody),
    /// Custodians sign a checkpoint over the tag's records.
    Checkpoint(Session, Vec<(KeyId, SignerRole)>),
    /// The power fails after this many byte-steps of writing, or now.
    PowerCut(Option<u64>),
    /// One bit flips in each of this many stored records.
    BitRot(u32),
    /// An adversary rewrites the stored log.
    Tamper(TamperHow),
}

/// A record body; links and corrections name earlier records by the actions' ids.
#[derive(Clone, Debug)]
pub enum PlannedBody {
    /// A body as it is.
    Ready(Body),
    /// A link that may supersede an earlier one.
    Link {
        /// The link, `supersedes` unset.
        link: Link,
        /// The id of the action whose link it supersedes.
        supersedes: Option<String>,
    },
    /// A correction.
    Correction {
        /// The ids of the actions whose records were wrong.
        corrects: Vec<String>,
        /// Why.
        reason: CorrectionReason,
        /// The id of the action whose record states the right facts.
        replaced_by: Option<String>,
    },
}

/// SHA-256 over `parts` (through the chain's hash): stand-in digests of photographs and
/// reports, and chip identifiers.
pub fn digest(parts: &[&[u8]]) -> Digest {
    let mut chain = Chain::default();
    for part in parts {
        chain.push(part);
    }
    chain.head()
}

/// The generator of tag `number` of group `group` under `seed`: the same for the same tag
/// whatever the other groups hold.
pub fn rng(seed: u64, group: usize, number: usize) -> fastrand::Rng {
    let key = ((group as u64) << 40) ^ (number as u64);
    let mixed = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(29)
        ^ key.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    fastrand::Rng::with_seed(mixed)
}

impl Scenario {
    /// The plan of tag `index` (from 0, over all groups) under `seed`.
    pub fn plan(&self, index: usize, seed: u64) -> Result<TagPlan, String> {
        let (g, n) = self
            .tag_at(index)
            .ok_or(format!("{}: no tag {index}", self.name))?;
        let group = &self.groups[g];
        let width = group.count.to_string().len().max(3);
        let name = format!("{}-{n:0width$}", group.name);
        let mut rng = rng(seed, g, n);
        let planner = Planner {
            name: &name,
            n: n as i64,
            count: group.count as i64,
        };
        let epc_text = planner.text(&group.epc, 1, &mut rng)?;
        let epc = Epc::parse_tag_uri(&epc_text)
            .map_err(|e| format!("{}: tag {name}: `{epc_text}`: {e}", group.epc.at))?;
        let mut labels = Vec::new();
        for l in &group.labels {
            labels.push(match l {
                LabelTemplate::BoxNumber(e) => Label::BoxNumber(planner.int(e, 1, &mut rng)?),
                LabelTemplate::K208(e) => Label::K208(planner.int(e, 1, &mut rng)?),
                LabelTemplate::Dvi(e) => Label::DviPostMortem(planner.int(e, 1, &mut rng)?),
                LabelTemplate::Accession(e) => Label::Accession(planner.int(e, 1, &mut rng)?),
            });
        }
        let mut claims = Vec::new();
        for c in &group.claims {
            let (by, statement) = match c {
                ClaimTemplate::Area(by, place) => (*by, Statement::RecoveryArea(*place)),
                ClaimTemplate::Count(by, e) => (
                    *by,
                    Statement::IndividualCount(planner.int(e, 1, &mut rng)?),
                ),
                ClaimTemplate::Year(by, e) => {
                    (*by, Statement::RecoveryYear(planner.int(e, 1, &mut rng)?))
                }
            };
            claims.push(Claim { by, statement });
        }
        let uid = digest(&[self.name.as_bytes(), name.as_bytes()]);
        let mut chip_uid = vec![0x04];
        chip_uid.extend_from_slice(&uid.as_array()[..6]);
        let commission = commission_body(
            epc,
            &chip_uid,
            group.container,
            labels,
            claims,
            group.issuer,
        );

        let mut actions = Vec::new();
        for step in &self.timeline {
            if !step.selector.matches(&group.name, n as i64) {
                continue;
            }
            if step.chance.is_some_and(|c| rng.f64() >= c) {
                continue;
            }
            let jitter = if step.jitter > 0 {
                rng.i64(0..=step.jitter)
            } else {
                0
            };
            let repeat = match &step.repeat {
                Some(e) => planner.int::<u32>(e, 1, &mut rng)?,
                None => 1,
            };
            for i in 1..=repeat {
                let at = step
                    .at
                    .saturating_add(step.stagger.saturating_mul(n as i64 - 1))
                    .saturating_add(jitter)
                    .saturating_add(step.every.saturating_mul(i64::from(i) - 1));
                let action = planner.action(&step.action, i64::from(i), &mut rng, self, at)?;
                actions.push(Planned {
                    at,
                    pos: step.pos.clone(),
                    id: step.id.clone(),
                    action,
                });
            }
        }
        actions.sort_by_key(|a| a.at);
        Ok(TagPlan {
            name,
            group: group.name.clone(),
            n,
            epc,
            commission,
            memory: group.memory,
            gnss: group.gnss,
            actions,
            run_seed: seed,
            choices: rng.u64(..),
        })
    }
}

struct Planner<'a> {
    name: &'a str,
    n: i64,
    count: i64,
}

impl Planner<'_> {
    fn vars<'r>(&self, i: i64, rng: &'r mut fastrand::Rng) -> Vars<'r> {
        Vars {
            n: self.n,
            i,
            count: self.count,
            rng,
        }
    }

    fn int<T: TryFrom<i64>>(&self, e: &Num, i: i64, rng: &mut fastrand::Rng) -> Result<T, String> {
        let v = e
            .value
            .eval(&mut self.vars(i, rng))
            .map_err(|m| format!("{}: tag {}: {m}", e.at, self.name))?;
        T::try_from(v).map_err(|_| format!("{}: tag {}: {v} is out of range here", e.at, self.name))
    }

    fn text(
        &self,
        t: &Located<super::expr::Template>,
        i: i64,
        rng: &mut fastrand::Rng,
    ) -> Result<String, String> {
        t.value
            .eval(&mut self.vars(i, rng))
            .map_err(|m| format!("{}: tag {}: {m}", t.at, self.name))
    }

    fn custody(
        &self,
        c: &CustodyTemplate,
        i: i64,
        rng: &mut fastrand::Rng,
    ) -> Result<Custody, String> {
        let mut custody = c.custody;
        if let Some((number, state)) = &c.seal {
            custody.seal = Some(Seal {
                number: SealNumber(self.int(number, i, rng)?),
                state: *state,
            });
        }
        Ok(custody)
    }

    fn action(
        &self,
        action: &StepAction,
        i: i64,
        rng: &mut fastrand::Rng,
        scenario: &Scenario,
        at: i64,
    ) -> Result<Action, String> {
        Ok(match action {
            StepAction::Commission(s) => Action::Commission(*s),
            StepAction::Press(by, c) => Action::Press(*by, self.custody(c, i, rng)?),
            StepAction::Record(s, body) => {
                Action::Record(*s, self.body(body, i, rng, scenario, at)?)
            }
            StepAction::Checkpoint(s, signers) => Action::Checkpoint(*s, signers.clone()),
            StepAction::PowerCut(steps) => Action::PowerCut(
                steps
                    .as_ref()
                    .map(|e| self.int::<u64>(e, i, rng))
                    .transpose()?,
            ),
            StepAction::BitRot(records) => Action::BitRot(self.int(records, i, rng)?),
            StepAction::Tamper(how) => Action::Tamper(*how),
        })
    }

    fn body(
        &self,
        body: &BodyTemplate,
        i: i64,
        rng: &mut fastrand::Rng,
        scenario: &Scenario,
        at: i64,
    ) -> Result<PlannedBody, String> {
        let stamp = at.to_le_bytes();
        let about = [scenario.name.as_bytes(), self.name.as_bytes(), &stamp];
        Ok(PlannedBody::Ready(match body {
            BodyTemplate::Custody(c) => Body::Custody(self.custody(c, i, rng)?),
            BodyTemplate::Inspect { kind, observations } => {
                let mut list = List::new();
                for o in observations {
                    let observation = match o {
                        ObservationTemplate::ElementCount(e) => {
                            Observation::ElementCount(self.int(e, i, rng)?)
                        }
                        ObservationTemplate::MinimumIndividuals(e) => {
                            Observation::MinimumIndividuals(self.int(e, i, rng)?)
                        }
                        ObservationTemplate::Human(l) => Observation::Human(*l),
                        ObservationTemplate::UsServiceMember(l) => Observation::UsServiceMember(*l),
                        ObservationTemplate::Temperature(e) => {
                            Observation::Temperature(self.int(e, i, rng)?)
                        }
                        ObservationTemplate::Humidity(e) => {
                            Observation::Humidity(self.int(e, i, rng)?)
                        }
                        ObservationTemplate::Shock(e) => Observation::Shock(self.int(e, i, rng)?),
                        ObservationTemplate::Photo => {
                            Observation::Photo(digest(&[b"photo", about[0], about[1], about[2]]))
                        }
                    };
                    // At most four observations, checked when the scenario was read.
                    list.push(observation).ok();
                }
                Body::Inspect(Inspect {
                    kind: *kind,
                    observations: list,
                })
            }
            BodyTemplate::Sample { label, sample } => Body::Sample(Sample {
                sample: SampleId::Label(self.int(label, i, rng)?),
                ..*sample
            }),
            BodyTemplate::Link {
                link,
                subject,
                confidence,
                supersedes,
            } => {
                let basis_points: u16 = self.int(confidence, i, rng)?;
                let link = Link {
                    subject: Reference {
                        number: self.int(subject, i, rng)?,
                        ..link.subject
                    },
                    confidence: Confidence::from_basis_points(basis_points).ok_or(format!(
                        "{}: tag {}: confidence {basis_points} is above 10000",
                        confidence.at, self.name
                    ))?,
                    ..*link
                };
                return Ok(PlannedBody::Link {
                    link,
                    supersedes: supersedes.clone(),
                });
            }
            BodyTemplate::Identification {
                identification,
                subject,
            } => Body::Identification(Identification {
                subject: Reference {
                    number: self.int(subject, i, rng)?,
                    ..identification.subject
                },
                report: digest(&[b"report", about[0], about[1], about[2]]),
                ..*identification
            }),
            BodyTemplate::Correction {
                corrects,
                reason,
                replaced_by,
            } => {
                return Ok(PlannedBody::Correction {
                    corrects: corrects.clone(),
                    reason: *reason,
                    replaced_by: replaced_by.clone(),
                });
            }
            BodyTemplate::Aggregate { action, parent } => {
                let text = self.text(parent, i, rng)?;
                let parent = Epc::parse_tag_uri(&text)
                    .map_err(|e| format!("{}: tag {}: `{text}`: {e}", parent.at, self.name))?;
                Body::Aggregate(Aggregate {
                    action: *action,
                    parent,
                })
            }
        }))
    }
}
