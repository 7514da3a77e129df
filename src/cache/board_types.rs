//! The values leaderboard reads and writes exchange, shared by both cache backends (the layout
//! of the keys is described in `boards.rs`).

pub const LIVE: &str = "lb:live";
pub const BUILDING: &str = "lb:building";
/// How long an "applied" marker lives: the replay job hands entries older than this to a rebuild.
pub const MARKER_TTL_SECS: u64 = 2 * 24 * 3600;

/// One board increment: `(board, member, delta)`.
pub type BoardIncrement = (String, String, i64);

/// A generation of the boards and its version: while both are unchanged, so is every board.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardStamp {
    pub generation: String,
    pub version: i64,
}

impl BoardStamp {
    /// Whether what was read at `self` is at least as new as `other`: the same generation at
    /// the same or a later version (versions only grow within a generation).
    pub fn covers(&self, other: &BoardStamp) -> bool {
        self.generation == other.generation && self.version >= other.version
    }
}

/// A top list as read, with the stamp it was read at.
#[derive(Debug, Clone)]
pub struct TopRead {
    pub stamp: BoardStamp,
    /// Highest first: member, score, display name.
    pub top: Vec<(String, i64, Option<String>)>,
    /// Members on the board.
    pub size: usize,
}

/// What a read of one board found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoardRead {
    /// Highest first: member, score, display name.
    pub top: Vec<(String, i64, Option<String>)>,
    /// The asked-for member's 0-based rank and score, if on the board.
    pub me: Option<(usize, i64)>,
    /// Members on the board.
    pub size: usize,
}
