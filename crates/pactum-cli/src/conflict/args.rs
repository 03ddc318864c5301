//! The command line of `pactum conflict`: the file, the output forms, the
//! sanctions, the state and DM to explain, the status quo, the plot, the
//! horizon of limited-move stability and the coalitions.
//! Nothing here checks values beyond their types; `run` does, through the
//! library.

use std::path::PathBuf;

use clap::ValueEnum;
use pactum_conflict::{Concept, Sanctions};

/// Which sanctions the opponents may use.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SanctionsArg {
    /// Legal sequences of the opponents' moves (the published definitions).
    Sequences,
    /// One opponent's single move (as GMCR+ computes).
    Single,
}

impl SanctionsArg {
    /// The library's sanctions.
    pub fn sanctions(self) -> Sanctions {
        match self {
            SanctionsArg::Sequences => Sanctions::Sequences,
            SanctionsArg::Single => Sanctions::Single,
        }
    }
}

/// The concept whose equilibria a plot marks.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConceptArg {
    /// Nash stability.
    Nash,
    /// General metarationality.
    Gmr,
    /// Symmetric metarationality.
    Smr,
    /// Sequential stability.
    Seq,
    /// Simultaneous sanctioning.
    Sim,
    /// Both SEQ and SIM.
    SeqSim,
}

impl ConceptArg {
    /// The library's concept.
    pub fn concept(self) -> Concept {
        match self {
            ConceptArg::Nash => Concept::Nash,
            ConceptArg::Gmr => Concept::Gmr,
            ConceptArg::Smr => Concept::Smr,
            ConceptArg::Seq => Concept::Seq,
            ConceptArg::Sim => Concept::Sim,
            ConceptArg::SeqSim => Concept::SeqSim,
        }
    }
}

#[derive(clap::Args)]
pub struct Args {
    /// The conflict: a native TOML/JSON file (or a scenario file with a
    /// `[conflict]` section) or a GMCR+ `.gmcr` file.
    pub(super) file: PathBuf,
    /// Print the analysis as JSON.
    #[arg(long)]
    pub(super) json: bool,
    /// Which sanctions deter a move.
    #[arg(long, value_enum, default_value = "sequences")]
    pub(super) sanctions: SanctionsArg,
    /// Explain why this state (an id) is or is not stable: each improvement
    /// and the sanction deterring it under GMR, SMR, SEQ and SIM.
    #[arg(long, value_name = "STATE")]
    pub(super) why: Option<usize>,
    /// With --why: only this decision maker (all otherwise).
    #[arg(long, value_name = "NAME", requires = "why")]
    pub(super) dm: Option<String>,
    /// The status quo as a state id (overrides the file's `status_quo`).
    #[arg(long, value_name = "ID")]
    pub(super) status_quo: Option<usize>,
    /// Draw the graph of states to an SVG file: each DM's unilateral moves
    /// coloured, equilibria ringed, the paths from the status quo
    /// highlighted.
    #[arg(long, value_name = "FILE.svg")]
    pub(super) plot: Option<PathBuf>,
    /// The concept whose equilibria the plot rings.
    #[arg(long, value_enum, default_value = "gmr", requires = "plot")]
    pub(super) plot_concept: ConceptArg,
    /// Limited-move stability L_h: each decision maker looks this many
    /// moves ahead (two decision makers only; 1 to 64).
    #[arg(long, value_name = "H")]
    pub(super) horizon: Option<usize>,
    /// A coalition of decision makers, their names separated by commas
    /// (repeat for more): coalitional Nash, GMR and SEQ stability.
    #[arg(long, value_name = "NAMES")]
    pub(super) coalition: Vec<String>,
}
