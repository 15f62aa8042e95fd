//! Netlink sockets as `af_netlink.c` keeps them: port ids (autobind to the
//! tgid, else negative ids), explicit binds, multicast memberships, and the
//! `SOL_NETLINK` options that change replies.

use super::dump::Dump;
use super::Sink;
use genl::ctrl::Registry;
use genl::Errno;
use std::collections::hash_map::RandomState;
use std::collections::HashMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Mutex, MutexGuard};

/// The identity of a socket's process, from `SO_PEERCRED`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Creds {
    /// Process id (the tgid).
    pub pid: u32,
    /// User id.
    pub uid: u32,
    /// Group id.
    pub gid: u32,
}

/// `SOL_NETLINK` option numbers.
pub mod opt {
    /// `NETLINK_ADD_MEMBERSHIP`.
    pub const ADD_MEMBERSHIP: u32 = 1;
    /// `NETLINK_DROP_MEMBERSHIP`.
    pub const DROP_MEMBERSHIP: u32 = 2;
    /// `NETLINK_PKTINFO`.
    pub const PKTINFO: u32 = 3;
    /// `NETLINK_BROADCAST_ERROR`.
    pub const BROADCAST_ERROR: u32 = 4;
    /// `NETLINK_NO_ENOBUFS`.
    pub const NO_ENOBUFS: u32 = 5;
    /// `NETLINK_LISTEN_ALL_NSID`.
    pub const LISTEN_ALL_NSID: u32 = 8;
    /// `NETLINK_CAP_ACK`.
    pub const CAP_ACK: u32 = 10;
    /// `NETLINK_EXT_ACK`.
    pub const EXT_ACK: u32 = 11;
    /// `NETLINK_GET_STRICT_CHK`.
    pub const GET_STRICT_CHK: u32 = 12;
}

/// The `SOL_NETLINK` options ovsd accepts, by number.
pub const NETLINK_OPTS: &[u32] = &[
    opt::ADD_MEMBERSHIP,
    opt::DROP_MEMBERSHIP,
    opt::PKTINFO,
    opt::BROADCAST_ERROR,
    opt::NO_ENOBUFS,
    opt::LISTEN_ALL_NSID,
    opt::CAP_ACK,
    opt::EXT_ACK,
    opt::GET_STRICT_CHK,
];

/// Flag options of one socket (`NETLINK_F_*`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SockOpts {
    /// `NETLINK_EXT_ACK`.
    pub ext_ack: bool,
    /// `NETLINK_CAP_ACK`.
    pub cap_ack: bool,
    /// `NETLINK_GET_STRICT_CHK`.
    pub strict_chk: bool,
    /// `NETLINK_NO_ENOBUFS`.
    pub no_enobufs: bool,
    /// `NETLINK_BROADCAST_ERROR`.
    pub broadcast_error: bool,
    /// `NETLINK_PKTINFO`.
    pub pktinfo: bool,
    /// `NETLINK_LISTEN_ALL_NSID`.
    pub listen_all_nsid: bool,
}

/// `CAP_NET_BROADCAST`.
pub const CAP_NET_BROADCAST: u32 = 11;
/// `CAP_NET_ADMIN`.
pub const CAP_NET_ADMIN: u32 = 12;

/// Number of multicast group ids a generic netlink socket can join
/// (`nlk->ngroups` after `netlink_realloc_groups`).
pub const NGROUPS: u32 = 64;

/// One netlink socket, owned by its connection.
pub struct Socket {
    key: u64,
    /// The peer's credentials.
    pub creds: Creds,
    portid: u32,
    bound: bool,
    groups: u64,
    /// Options that shape replies.
    pub opts: SockOpts,
    pub(crate) dump: Option<Dump>,
    /// Whether anything was delivered to this socket yet (the kernel sizes
    /// dump parts after the reader's largest `recvmsg`).
    pub(crate) has_read: bool,
    /// The peer's effective capabilities (bit N = capability N). In-process
    /// sockets have all of them unless told otherwise; the transport decides
    /// for real peers.
    caps: u64,
    sink: Arc<dyn Sink>,
}

impl Socket {
    /// The socket's port id: the bound one, or the reserved autobind id.
    pub fn portid(&self) -> u32 {
        self.portid
    }

    /// True once bound (explicitly, by connect, or by a first send).
    pub fn is_bound(&self) -> bool {
        self.bound
    }

    /// Whether the peer may run admin commands (NEW/DEL/SET): it has
    /// `CAP_NET_ADMIN`.
    pub fn is_privileged(&self) -> bool {
        self.caps & (1 << CAP_NET_ADMIN) != 0
    }

    /// Sets the peer's effective capabilities.
    pub fn set_caps(&mut self, caps: u64) {
        self.caps = caps;
    }

    /// Whether the socket is a member of multicast group `group`.
    pub fn in_group(&self, group: u32) -> bool {
        (1..=NGROUPS).contains(&group) && self.groups & (1 << (group - 1)) != 0
    }
}

/// A group member: the socket's key and where its multicast goes.
type Member = (u64, Arc<dyn Sink>);

/// Where a socket's incoming datagrams go, and whether it wants overruns
/// reported.
struct Receiver {
    sink: Arc<dyn Sink>,
    /// `NETLINK_NO_ENOBUFS`.
    no_enobufs: bool,
}

#[derive(Default)]
struct Inner {
    next_key: u64,
    by_port: HashMap<u32, u64>,
    receivers: HashMap<u64, Receiver>,
    members: HashMap<u32, Vec<Member>>,
    rover: i32,
}

/// All sockets of the emulated kernel.
#[derive(Default)]
pub(crate) struct SocketTable {
    inner: Mutex<Inner>,
}

/// `rover` before the first collision (`netlink_autobind`).
const ROVER_START: i32 = -4096;

impl SocketTable {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn open(&self, creds: Creds, sink: Arc<dyn Sink>) -> Socket {
        let mut t = self.lock();
        if t.rover == 0 {
            t.rover = ROVER_START;
        }
        t.next_key += 1;
        let key = t.next_key;
        let portid = free_portid(&mut t, creds.pid as i32);
        t.by_port.insert(portid, key);
        t.receivers.insert(
            key,
            Receiver {
                sink: sink.clone(),
                no_enobufs: false,
            },
        );
        Socket {
            key,
            creds,
            portid,
            bound: false,
            groups: 0,
            opts: SockOpts::default(),
            dump: None,
            has_read: false,
            caps: u64::MAX,
            sink,
        }
    }

    pub(crate) fn close(&self, sock: &mut Socket) {
        let mut t = self.lock();
        if t.by_port.get(&sock.portid) == Some(&sock.key) {
            t.by_port.remove(&sock.portid);
        }
        t.receivers.remove(&sock.key);
        for g in 1..=NGROUPS {
            if sock.in_group(g) {
                leave(&mut t, g, sock.key);
            }
        }
        sock.groups = 0;
        sock.dump = None;
    }

    /// The kernel autobinds on send, connect and group binds.
    pub(crate) fn autobind(&self, sock: &mut Socket) {
        sock.bound = true;
    }

    /// `netlink_bind` with `nl_pid != 0`.
    pub(crate) fn bind(&self, sock: &mut Socket, pid: u32, groups: u32) -> Result<u32, Errno> {
        let mut t = self.lock();
        if sock.bound && pid != sock.portid {
            return Err(Errno::EINVAL);
        }
        if pid != sock.portid {
            if t.by_port.contains_key(&pid) {
                return Err(Errno::EADDRINUSE);
            }
            if t.by_port.get(&sock.portid) == Some(&sock.key) {
                t.by_port.remove(&sock.portid);
            }
            t.by_port.insert(pid, sock.key);
            sock.portid = pid;
        }
        sock.bound = true;
        set_legacy_groups(&mut t, sock, groups);
        Ok(pid)
    }

    /// `netlink_bind`/`netlink_connect` with `nl_pid == 0`.
    pub(crate) fn set_groups(&self, sock: &mut Socket, groups: u32) -> Result<(), Errno> {
        let mut t = self.lock();
        sock.bound = true;
        set_legacy_groups(&mut t, sock, groups);
        Ok(())
    }

    /// `netlink_setsockopt`.
    pub(crate) fn setsockopt(
        &self,
        reg: &Registry,
        sock: &mut Socket,
        opt: u32,
        val: u32,
    ) -> Result<(), Errno> {
        let on = val != 0;
        match opt {
            opt::PKTINFO => sock.opts.pktinfo = on,
            opt::BROADCAST_ERROR => sock.opts.broadcast_error = on,
            opt::NO_ENOBUFS => {
                sock.opts.no_enobufs = on;
                if let Some(r) = self.lock().receivers.get_mut(&sock.key) {
                    r.no_enobufs = on;
                }
            }
            opt::LISTEN_ALL_NSID => {
                // netlink_setsockopt: needs CAP_NET_BROADCAST, to set or clear
                if sock.caps & (1 << CAP_NET_BROADCAST) == 0 {
                    return Err(Errno::EPERM);
                }
                sock.opts.listen_all_nsid = on;
            }
            opt::CAP_ACK => sock.opts.cap_ack = on,
            opt::EXT_ACK => sock.opts.ext_ack = on,
            opt::GET_STRICT_CHK => sock.opts.strict_chk = on,
            opt::ADD_MEMBERSHIP | opt::DROP_MEMBERSHIP => {
                if val == 0 || val > NGROUPS {
                    return Err(Errno::EINVAL);
                }
                // genl_bind: groups owned by no family are accepted too
                let _owner = reg.group(val);
                let mut t = self.lock();
                if opt == opt::ADD_MEMBERSHIP {
                    join(&mut t, sock, val);
                } else {
                    leave(&mut t, val, sock.key);
                    sock.groups &= !(1 << (val - 1));
                }
            }
            _ => return Err(Errno::ENOPROTOOPT),
        }
        Ok(())
    }
}

impl SocketTable {
    /// True when anyone listens on `group` (`netlink_has_listeners`).
    pub(crate) fn has_listeners(&self, group: u32) -> bool {
        self.lock()
            .members
            .get(&group)
            .is_some_and(|l| !l.is_empty())
    }

    /// Delivers `datagram` to every member of `group` except the socket
    /// `exclude` (the requester, when it asked for an echo).
    pub(crate) fn multicast(&self, group: u32, datagram: &[u8], exclude: Option<&Socket>) {
        let t = self.lock();
        if let Some(list) = t.members.get(&group) {
            for (key, sink) in list {
                if exclude.is_some_and(|s| s.key == *key) {
                    continue;
                }
                if !sink.deliver(datagram) {
                    overrun(&t, *key, sink.as_ref());
                }
            }
        }
    }

    /// `netlink_unicast` with `MSG_DONTWAIT` (how upcalls are sent):
    /// `ECONNREFUSED` when no socket has `portid`, `EAGAIN` when its queue
    /// is full (the receiver then sees `ENOBUFS`, `netlink_overrun`).
    pub(crate) fn unicast(&self, portid: u32, datagram: &[u8]) -> Result<(), Errno> {
        let t = self.lock();
        let key = *t.by_port.get(&portid).ok_or(Errno::ECONNREFUSED)?;
        let r = t.receivers.get(&key).ok_or(Errno::ECONNREFUSED)?;
        if r.sink.deliver(datagram) {
            Ok(())
        } else {
            overrun(&t, key, r.sink.as_ref());
            Err(Errno::EAGAIN)
        }
    }
}

/// `netlink_overrun`: the receiver lost a datagram; unless it set
/// `NETLINK_NO_ENOBUFS`, its next read fails with `ENOBUFS`.
fn overrun(t: &Inner, key: u64, sink: &dyn Sink) {
    if !t.receivers.get(&key).is_some_and(|r| r.no_enobufs) {
        sink.overrun();
    }
}

fn free_portid(t: &mut Inner, tgid: i32) -> u32 {
    let mut candidate = tgid;
    loop {
        if candidate != 0 && !t.by_port.contains_key(&(candidate as u32)) {
            return candidate as u32;
        }
        // netlink_autobind: on collision search negative ids, starting at a
        // random point the first time
        if t.rover == ROVER_START {
            let span = (ROVER_START as i64 - i32::MIN as i64) as u64;
            let r = RandomState::new().hash_one(t.next_key) % span;
            t.rover = (i32::MIN as i64 + r as i64) as i32;
        } else if t.rover >= ROVER_START {
            t.rover = -4097;
        }
        candidate = t.rover;
        t.rover = t.rover.wrapping_sub(1);
    }
}

fn set_legacy_groups(t: &mut Inner, sock: &mut Socket, groups: u32) {
    for g in 1..=32u32 {
        let want = groups & (1 << (g - 1)) != 0;
        if want && !sock.in_group(g) {
            join(t, sock, g);
        } else if !want && sock.in_group(g) {
            leave(t, g, sock.key);
            sock.groups &= !(1 << (g - 1));
        }
    }
}

fn join(t: &mut Inner, sock: &mut Socket, group: u32) {
    if sock.in_group(group) {
        return;
    }
    sock.groups |= 1 << (group - 1);
    t.members
        .entry(group)
        .or_default()
        .push((sock.key, sock.sink.clone()));
}

fn leave(t: &mut Inner, group: u32, key: u64) {
    if let Some(list) = t.members.get_mut(&group) {
        list.retain(|(k, _)| *k != key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Null;
    impl Sink for Null {
        fn deliver(&self, _: &[u8]) -> bool {
            true
        }
    }

    fn creds(pid: u32) -> Creds {
        Creds {
            pid,
            uid: 0,
            gid: 0,
        }
    }

    #[test]
    fn first_socket_gets_tgid_then_negative_ids() {
        let t = SocketTable::default();
        let mut a = t.open(creds(100), Arc::new(Null));
        let b = t.open(creds(100), Arc::new(Null));
        let c = t.open(creds(100), Arc::new(Null));
        assert_eq!(a.portid(), 100);
        assert!((b.portid() as i32) < -4096);
        assert_eq!(c.portid() as i32, b.portid() as i32 - 1);
        // the tgid becomes free when its holder closes
        t.close(&mut a);
        assert_eq!(t.open(creds(100), Arc::new(Null)).portid(), 100);
    }

    #[test]
    fn explicit_bind_rules() {
        let t = SocketTable::default();
        let mut a = t.open(creds(7), Arc::new(Null));
        let mut b = t.open(creds(7), Arc::new(Null));
        assert_eq!(t.bind(&mut b, 7, 0), Err(Errno::EADDRINUSE));
        assert_eq!(t.bind(&mut b, 5000, 0), Ok(5000));
        assert_eq!(b.portid(), 5000);
        assert_eq!(t.bind(&mut b, 5001, 0), Err(Errno::EINVAL));
        assert_eq!(t.bind(&mut b, 5000, 0), Ok(5000));
        assert_eq!(t.bind(&mut a, 5000, 0), Err(Errno::EADDRINUSE));
    }

    #[test]
    fn membership_via_option_and_bind() {
        let reg = genl::ovs::KernelVersion::V6_12.registry();
        let t = SocketTable::default();
        let mut a = t.open(creds(1), Arc::new(Null));
        assert_eq!(
            t.setsockopt(&reg, &mut a, opt::ADD_MEMBERSHIP, 0),
            Err(Errno::EINVAL)
        );
        assert_eq!(t.setsockopt(&reg, &mut a, 99, 1), Err(Errno::ENOPROTOOPT));
        t.setsockopt(&reg, &mut a, opt::ADD_MEMBERSHIP, 21).unwrap();
        assert!(a.in_group(21) && t.lock().members[&21].len() == 1);
        t.setsockopt(&reg, &mut a, opt::DROP_MEMBERSHIP, 21)
            .unwrap();
        assert!(!a.in_group(21) && t.lock().members[&21].is_empty());
        t.set_groups(&mut a, 1 << 14).unwrap();
        assert!(a.in_group(15));
        t.close(&mut a);
        assert!(t.lock().members[&15].is_empty());
    }

    #[test]
    fn listen_all_nsid_needs_cap_net_broadcast() {
        let reg = genl::ovs::KernelVersion::V6_12.registry();
        let t = SocketTable::default();
        let mut a = t.open(creds(1), Arc::new(Null));
        t.setsockopt(&reg, &mut a, opt::LISTEN_ALL_NSID, 1).unwrap();
        a.set_caps(1 << CAP_NET_ADMIN);
        assert_eq!(
            t.setsockopt(&reg, &mut a, opt::LISTEN_ALL_NSID, 0),
            Err(Errno::EPERM)
        );
        assert!(a.is_privileged());
        a.set_caps(0);
        assert!(!a.is_privileged());
    }
}
