//! Ports, port numbers, netdev backends and the emulated RTNL: built by the datapath/vport issue.
