//! One receive thread per vport whose net device has a descriptor (a TAP
//! device, an AF_PACKET socket): frames that arrive enter the datapath
//! (`ovs_vport_receive`). The thread never takes `ovs_mutex`, so detaching a
//! port may stop and join it while holding the lock.

use super::packet_path;
use super::state::Vport;
use crate::core::Core;
use std::os::fd::{AsFd, AsRawFd, FromRawFd, OwnedFd};
use std::sync::{Arc, Weak};
use std::thread::JoinHandle;
use vport::Netdev;

/// Frames taken per wake-up before the thread polls again.
const BATCH: usize = 64;
/// Receive buffer: the largest frame a TAP or packet socket hands over.
const FRAME_MAX: usize = 65_536 + 64;

/// A running receive thread.
#[derive(Debug)]
pub(crate) struct RxThread {
    stop: OwnedFd,
    handle: Option<JoinHandle<()>>,
}

impl RxThread {
    /// Stops the thread and waits for it.
    pub fn stop(mut self) {
        let one = 1u64.to_ne_bytes();
        // SAFETY: writing 8 bytes to an eventfd we own.
        unsafe { libc::write(self.stop.as_raw_fd(), one.as_ptr().cast(), 8) };
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

/// Starts the receive thread of `v` (port of the datapath with
/// `dp_ifindex`), if its device has a descriptor.
pub(crate) fn start(core: &Core, dp_ifindex: i32, v: &Arc<Vport>) {
    let Some(me) = core.me.upgrade() else {
        return;
    };
    let dev = v.dev.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let Some(dev) = dev.filter(|d| d.io_fd().is_some()) else {
        return;
    };
    // SAFETY: plain syscall.
    let efd = unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) };
    if efd < 0 {
        tracing::warn!("eventfd: {}", std::io::Error::last_os_error());
        return;
    }
    // SAFETY: a fresh descriptor nothing else owns.
    let stop = unsafe { OwnedFd::from_raw_fd(efd) };
    let stop_raw = stop.as_raw_fd();
    let weak = Arc::downgrade(&me);
    let port = Arc::downgrade(v);
    let name = format!("rx-{}", String::from_utf8_lossy(&v.name));
    let handle = std::thread::Builder::new()
        .name(name)
        .spawn(move || run(weak, dp_ifindex, port, dev, stop_raw));
    match handle {
        Ok(h) => {
            *v.rx.lock().unwrap_or_else(|p| p.into_inner()) = Some(RxThread {
                stop,
                handle: Some(h),
            })
        }
        Err(e) => tracing::warn!("cannot start a receive thread: {e}"),
    }
}

/// Stops the receive thread of `v`, if it has one.
pub(crate) fn stop(v: &Vport) {
    let t = v.rx.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(t) = t {
        t.stop();
    }
}

fn run(core: Weak<Core>, dp_ifindex: i32, port: Weak<Vport>, dev: Arc<dyn Netdev>, stop: i32) {
    let mut buf = vec![0u8; FRAME_MAX];
    let Some(fd) = dev.io_fd().map(|f| f.as_fd().as_raw_fd()) else {
        return;
    };
    // frames may be waiting without the descriptor saying so (the packets of
    // a cut GSO frame): after a full batch, look again without sleeping
    let mut more = false;
    loop {
        let mut fds = [
            libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: stop,
                events: libc::POLLIN,
                revents: 0,
            },
        ];
        // SAFETY: two valid pollfd entries.
        let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, if more { 0 } else { -1 }) };
        if r < 0 {
            if std::io::Error::last_os_error().raw_os_error() == Some(libc::EINTR) {
                continue;
            }
            return;
        }
        if fds[1].revents != 0 {
            return;
        }
        if !more
            && fds[0].revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0
            && fds[0].revents & libc::POLLIN == 0
        {
            // a device that went away: wait for the stop signal
            std::thread::sleep(std::time::Duration::from_millis(10));
            continue;
        }
        let (Some(core), Some(v)) = (core.upgrade(), port.upgrade()) else {
            return;
        };
        more = true;
        for _ in 0..BATCH {
            match dev.receive(&mut buf) {
                Ok(Some(n)) => deliver(&core, dp_ifindex, &v, &buf[..n]),
                Ok(None) | Err(_) => {
                    more = false;
                    break;
                }
            }
        }
    }
}

/// Hands one frame to the datapath the port belongs to now.
fn deliver(core: &Core, dp_ifindex: i32, v: &Arc<Vport>, frame: &[u8]) {
    let snap = core.ovs.published.load();
    let Some((dp, ports)) = snap.dp_by_ifindex(dp_ifindex) else {
        return;
    };
    if !ports.iter().any(|p| Arc::ptr_eq(p, v)) {
        return;
    }
    packet_path::receive(core, dp, ports, v, frame);
}
