//! Control-channel frames and the setup message of `docs/protocol.md`: the
//! shared definition in `ovsd-proto`.

pub use ovsd_proto::*;
