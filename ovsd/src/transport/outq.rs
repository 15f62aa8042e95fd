//! A connection's ordered output: netlink datagrams for the data socket and
//! `DONE` frames for the control channel. Datagrams are written without
//! blocking; what the socket cannot take yet waits here, in order.

use super::frames::{Frame, OP_DONE};
use super::sys::{self, EventFd};
use crate::core::Sink;
use std::collections::VecDeque;
use std::io;
use std::os::fd::RawFd;
use std::sync::{Mutex, MutexGuard};

/// Multicast datagrams beyond this many queued bytes are dropped (the
/// receiver's `SO_RCVBUF` overrun).
pub const MULTICAST_LIMIT: usize = 4 << 20;

enum Item {
    Data(Vec<u8>),
}

#[derive(Default)]
struct Queue {
    items: VecDeque<Item>,
    bytes: usize,
    dead: bool,
    /// An overrun was reported and the reader has not caught up since
    /// (`NETLINK_S_CONGESTED`): further drops are not reported again.
    congested: bool,
}

/// The output side of one connection, shared with other connections'
/// threads that deliver multicast to it.
pub struct OutQueue {
    data: RawFd,
    ctl: RawFd,
    q: Mutex<Queue>,
    wake: EventFd,
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
        })
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
        self.push_locked(&mut q, dgram, usize::MAX);
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

    fn push_locked(&self, q: &mut Queue, dgram: &[u8], limit: usize) -> bool {
        if q.dead {
            return false;
        }
        if q.items.is_empty() {
            match sys::send_nb(self.data, dgram) {
                Ok(_) => {
                    q.congested = false;
                    return true;
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(_) => {
                    // the client went away (EPIPE/ECONNRESET): stop writing
                    q.dead = true;
                    return false;
                }
            }
        }
        if q.bytes + dgram.len() > limit {
            return false;
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
        // netlink_rcv_wake: the reader caught up
        q.congested = false;
        true
    }
}

impl Sink for OutQueue {
    fn deliver(&self, datagram: &[u8]) -> bool {
        let mut q = self.lock();
        self.push_locked(&mut q, datagram, MULTICAST_LIMIT)
    }

    /// Queues the overrun marker (past the limit: it is what tells the
    /// reader it lost datagrams), once per congestion episode.
    fn overrun(&self) {
        let mut q = self.lock();
        if q.congested || q.dead {
            return;
        }
        q.congested = true;
        self.push_locked(&mut q, &ovsd_proto::overrun_marker(), usize::MAX);
    }
}
