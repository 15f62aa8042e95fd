//! The fixed-size frames of `docs/protocol.md`: the shared definition in
//! `ovsd-proto` (the preload library uses the same crate).

/// The setup message's magic (the name the daemon's side has used).
pub use ovsd_proto::MAGIC as SETUP_MAGIC;
/// The setup message's version (the name the daemon's side has used).
pub use ovsd_proto::VERSION as SETUP_VERSION;
pub use ovsd_proto::*;
