//! Typed errors: a model that breaks a rule of the graph model
//! ([`ModelError`], naming the part of the model by [`Field`]) and a file
//! that cannot be read as a conflict ([`ReadError`], naming the file, the
//! line when known, and the field path).
//!
//! Limited-move stability that is not defined for the conflict or horizon
//! gives [`LimitedError`]; a coalition that is not a set of two or more DMs
//! gives [`CoalitionError`].
//!
//! Rules: an error caused by another keeps it as its source; messages name
//! the option, decision maker or state involved, never a command-line flag.

use std::path::PathBuf;

/// The part of a model an error is about, by position in the model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The model as a whole.
    Model,
    /// Option `i`.
    Option(usize),
    /// The options list of decision maker `i`.
    DmOptions(usize),
    /// Statement `k` of decision maker `i`'s option prioritisation.
    Preference(usize, usize),
    /// The ranking of decision maker `i`.
    Ranking(usize),
    /// Infeasible condition `i`.
    Infeasible(usize),
}

/// What is wrong with a model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// A model needs at least one option.
    #[error("the model has no options")]
    NoOptions,
    /// Too many options to number the states.
    #[error("the model has {count} options; at most {max} can be analysed")]
    TooManyOptions {
        /// Options given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A conflict needs two decision makers.
    #[error("a conflict needs at least two decision makers, this one has {0}")]
    TooFewDecisionMakers(usize),
    /// Two decision makers share a name.
    #[error("two decision makers are named {0:?}")]
    DuplicateDecisionMaker(String),
    /// Two options share a name.
    #[error("two options are named {0:?}")]
    DuplicateOption(String),
    /// An option claimed by two decision makers.
    #[error("option {option:?} is controlled by both {first:?} and {second:?}")]
    TwoControllers {
        /// The option's name.
        option: String,
        /// The first DM claiming it.
        first: String,
        /// The second DM claiming it.
        second: String,
    },
    /// An option claimed by no decision maker.
    #[error("option {0:?} is controlled by no decision maker")]
    NoController(String),
    /// A literal or options list naming an option index that does not exist.
    #[error("option {index} does not exist (the model has {count} options, numbered from 0)")]
    MissingOption {
        /// The index given.
        index: usize,
        /// Options in the model.
        count: usize,
    },
    /// Too many statements to score states exactly.
    #[error("{count} preference statements; at most {max} are allowed")]
    TooManyStatements {
        /// Statements given.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A ranking that is not a permutation of the feasible states.
    #[error(
        "the ranking is not a permutation of the {count} feasible states (ids 1 to {count}): {detail}"
    )]
    NotAPermutation {
        /// Feasible states.
        count: usize,
        /// What is wrong (a missing, repeated or unknown id).
        detail: String,
    },
    /// Every state is infeasible.
    #[error("the infeasible conditions exclude every state")]
    NoFeasibleState,
}

/// A model that breaks a rule, with the part it is about.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{problem}")]
pub struct ModelError {
    /// Where in the model.
    pub field: Field,
    /// What is wrong.
    pub problem: Problem,
}

/// A file that cannot be read as a conflict.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file cannot be read.
    #[error("cannot read {}", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML or JSON, or has the wrong shape.
    #[error("{}{}: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Syntax {
        /// The file.
        file: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// The parser's message.
        message: String,
    },
    /// A field whose value is wrong.
    #[error("{}{}: field `{field}`: {message}", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Field {
        /// The file.
        file: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// The field path, e.g. `decision_makers[1].preferences[0]`.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The model read breaks a rule of the graph model.
    #[error("{}{}: field `{field}`", file.display(), line.map(|l| format!(":{l}")).unwrap_or_default())]
    Model {
        /// The file.
        file: PathBuf,
        /// 1-based line, when known.
        line: Option<usize>,
        /// The field path.
        field: String,
        /// The rule broken.
        #[source]
        source: Box<ModelError>,
    },
}

/// The longest horizon of limited-move stability.
pub const MAX_HORIZON: usize = 64;

/// Why limited-move stability cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitedError {
    /// Limited-move stability is defined for two DMs.
    #[error(
        "limited-move stability is defined for two decision makers moving in turn; this conflict has {0}"
    )]
    NotTwoDecisionMakers(usize),
    /// A horizon of 0 or beyond [`MAX_HORIZON`].
    #[error("the horizon must be between 1 and {max} moves, not {horizon}")]
    Horizon {
        /// The horizon asked for.
        horizon: usize,
        /// The longest allowed.
        max: usize,
    },
}

/// A coalition that is not a set of at least two distinct DMs of the conflict.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CoalitionError {
    /// Fewer than two members.
    #[error("a coalition needs at least two decision makers, this one has {0}")]
    TooFew(usize),
    /// A member named twice.
    #[error("decision maker {0:?} is named twice in the coalition")]
    Repeated(String),
    /// A member index beyond the conflict's DMs.
    #[error("decision maker {index} does not exist (the conflict has {count}, numbered from 0)")]
    MissingIndex {
        /// The index given.
        index: usize,
        /// DMs in the conflict.
        count: usize,
    },
    /// A member name that no DM has.
    #[error("no decision maker is named {0:?}")]
    UnknownName(String),
}
