//! A connection's ordered output: netlink datagrams for the data socket and
//! `DONE` frames for the control channel. Datagrams are written without
//! blocking; what the socket cannot take yet waits here, in order.

use super::frames::{Frame, OP_DONE};
use super::sys::{self, EventFd};
use crate::core::Sink;
use std::collections::VecDeque;
use std::io;
use std::os::fd::RawFd;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

/// `net.core.rmem_default` when it cannot be read: a netlink socket's
/// receive buffer until its owner sets `SO_RCVBUF`.
pub const DEFAULT_RCVBUF: usize = 212_992;

enum Item {
    Data(Vec<u8>),
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Item>,
    bytes: usize,
    dead: bool,
    /// An overrun was reported and the reader has not read everything since
    /// (`NETLINK_S_CONGESTED`): multicast and upcalls are dropped, and not
    /// reported again.
    congested: bool,
}

/// The output side of one connection, shared with other connections'
/// threads that deliver multicast to it.
pub struct OutQueue {
    data: RawFd,
    ctl: RawFd,
    q: Mutex<Queue>,
    wake: EventFd,
    /// `sk_rcvbuf`: multicast and upcalls are dropped once this many bytes
    /// wait for the reader (here and in the data socket).
    rcvbuf: AtomicUsize,
}

/// `net.core.rmem_default`, read once.
fn rmem_default() -> usize {
    static V: OnceLock<usize> = OnceLock::new();
    *V.get_or_init(|| {
        std::fs::read_to_string("/proc/sys/net/core/rmem_default")
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(DEFAULT_RCVBUF)
    })
}

impl OutQueue {
    /// An output queue for the data and control descriptors (which the
    /// connection keeps open for as long as this exists).
    pub fn new(data: RawFd, ctl: RawFd) -> io::Result<OutQueue> {
        Ok(OutQueue {
            data,
            ctl,
            q: Mutex::new(Queue::default()),
            wake: EventFd::new()?,
            rcvbuf: AtomicUsize::new(rmem_default()),
        })
    }

    /// Sets the receive buffer size (`SO_RCVBUF` as the client's kernel
    /// computed it, at least `SOCK_MIN_RCVBUF`).
    pub fn set_rcvbuf(&self, bytes: usize) {
        self.rcvbuf.store(bytes.max(2304), Ordering::Relaxed);
    }

    /// `netlink_attachskb`'s test: the reader already has more than its
    /// receive buffer waiting (counting what sits unread in the data socket,
    /// `SIOCOUTQ`, as the kernel counts `sk_rmem_alloc`).
    fn full(&self, q: &Queue) -> bool {
        let limit = self.rcvbuf.load(Ordering::Relaxed);
        q.bytes > limit || q.bytes + sys::unread(self.data) > limit
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.q.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The descriptor that becomes readable when other threads queued output.
    pub fn wake_fd(&self) -> RawFd {
        self.wake.raw()
    }

    /// Clears the wake-up signal.
    pub fn clear_wake(&self) {
        self.wake.drain();
    }

    /// True when output is waiting for room in the socket.
    pub fn backlogged(&self) -> bool {
        !self.lock().items.is_empty()
    }

    /// Queues a reply datagram (never dropped).
    pub fn push_reply(&self, dgram: &[u8]) {
        let mut q = self.lock();
        self.push_locked(&mut q, dgram, false);
    }

    /// Signals `DONE{flags}`: every reply to the datagram is in the socket,
    /// unless the socket was full. Then the replies wait here and `DONE` goes
    /// out at once anyway: waiting for a client that is itself blocked in
    /// its send (waiting for this `DONE`) would deadlock, where the kernel
    /// would have dropped the reply.
    pub fn push_done(&self, flags: u32) {
        let q = self.lock();
        if !q.dead {
            let _ = sys::send(self.ctl, &Frame::new(OP_DONE, flags, 0).encode());
        }
    }

    fn push_locked(&self, q: &mut Queue, dgram: &[u8], bounded: bool) -> bool {
        if q.dead {
            return false;
        }
        if bounded {
            // NETLINK_S_CONGESTED: nothing more until the reader has read
            // everything, the overrun marker included (netlink_rcv_wake)
            if q.congested {
                if !q.items.is_empty() || sys::unread(self.data) > 0 {
                    return false;
                }
                q.congested = false;
            }
            if self.full(q) {
                return false;
            }
        }
        if q.items.is_empty() {
            match sys::send_nb(self.data, dgram) {
                Ok(_) => return true,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => {
                    // the client went away (EPIPE/ECONNRESET): stop writing
                    q.dead = true;
                    return false;
                }
            }
        }
        q.bytes += dgram.len();
        q.items.push_back(Item::Data(dgram.to_vec()));
        self.wake.signal();
        true
    }

    /// Writes queued output until the socket would block. Returns true when
    /// the queue is empty afterwards.
    pub fn flush(&self) -> bool {
        let mut q = self.lock();
        while let Some(item) = q.items.front() {
            match item {
                Item::Data(d) => match sys::send_nb(self.data, d) {
                    Ok(_) => q.bytes -= d.len(),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => return false,
                    Err(_) => {
                        q.dead = true;
                        q.items.clear();
                        return true;
                    }
                },
            }
            q.items.pop_front();
        }
        true
    }
}

impl Sink for OutQueue {
    fn deliver(&self, datagram: &[u8]) -> bool {
        let mut q = self.lock();
        self.push_locked(&mut q, datagram, true)
    }

    /// Queues the overrun marker (past the limit: it is what tells the
    /// reader it lost datagrams), once per congestion episode.
    fn overrun(&self) {
        let mut q = self.lock();
        if q.congested || q.dead {
            return;
        }
        q.congested = true;
        self.push_locked(&mut q, &ovsd_proto::overrun_marker(), false);
    }
}
