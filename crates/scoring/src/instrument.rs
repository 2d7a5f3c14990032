//! [`Instrument`]: the closed set of outcome measures and their ids.

use std::fmt;
use std::str::FromStr;

use crate::ScoringError;
use crate::catalog::{self, Definition};

/// An outcome measure of the spec. The id strings (`as_str`) are the ones the
/// CLI, the HTTP API and stored data use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Instrument {
    /// `nprs`: Numeric Pain Rating Scale (0-10).
    Nprs,
    /// `ndi`: Neck Disability Index.
    Ndi,
    /// `odi`: Oswestry Disability Index v2.1a.
    Odi,
    /// `quickdash`: QuickDASH (11 items).
    QuickDash,
    /// `quickdash_work`: QuickDASH optional work module (4 items).
    QuickDashWork,
    /// `quickdash_sport`: QuickDASH optional sports/performing-arts module.
    QuickDashSport,
    /// `bctq_sss`: Boston Carpal Tunnel Q., Symptom Severity Scale.
    BctqSss,
    /// `bctq_fss`: Boston Carpal Tunnel Q., Functional Status Scale.
    BctqFss,
    /// `lefs`: Lower Extremity Functional Scale.
    Lefs,
    /// `jfls8`: Jaw Functional Limitation Scale, 8-item.
    Jfls8,
    /// `psfs`: Patient-Specific Functional Scale.
    Psfs,
    /// `ppt`: pressure pain threshold by algometer.
    Ppt,
    /// `acr2016_fm`: ACR 2016 fibromyalgia diagnostic criteria.
    Acr2016Fm,
}

impl Instrument {
    /// Every instrument, in declaration order (`ALL[i] as usize == i`).
    pub const ALL: [Self; 13] = [
        Self::Nprs,
        Self::Ndi,
        Self::Odi,
        Self::QuickDash,
        Self::QuickDashWork,
        Self::QuickDashSport,
        Self::BctqSss,
        Self::BctqFss,
        Self::Lefs,
        Self::Jfls8,
        Self::Psfs,
        Self::Ppt,
        Self::Acr2016Fm,
    ];

    /// The stable id, e.g. `"quickdash_work"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Nprs => "nprs",
            Self::Ndi => "ndi",
            Self::Odi => "odi",
            Self::QuickDash => "quickdash",
            Self::QuickDashWork => "quickdash_work",
            Self::QuickDashSport => "quickdash_sport",
            Self::BctqSss => "bctq_sss",
            Self::BctqFss => "bctq_fss",
            Self::Lefs => "lefs",
            Self::Jfls8 => "jfls8",
            Self::Psfs => "psfs",
            Self::Ppt => "ppt",
            Self::Acr2016Fm => "acr2016_fm",
        }
    }

    /// The definition data of this instrument (items, ranges, bands, MCID,
    /// source, licence) from `data/instruments.toml`.
    pub fn definition(self) -> &'static Definition {
        catalog::definition(self)
    }
}

impl fmt::Display for Instrument {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Instrument {
    type Err = ScoringError;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|i| i.as_str() == id)
            .ok_or_else(|| ScoringError::UnknownInstrument(id.to_owned()))
    }
}
