//! OVS datapath flow syntax.
