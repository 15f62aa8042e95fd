//! Talking to ovsd: opening a connection (data channel + control channel,
//! setup message, `HELLO`) and control-channel round trips.

use crate::frame::{self, Frame, FRAME_LEN};
use crate::real;
use crate::state::{Io, Sock};
use crate::util::{errno, poll_until};
use libc::{c_int, c_void};
use std::ffi::CStr;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// How long `socket()` waits for ovsd's `HELLO` (and for `connect`).
pub const HELLO_TIMEOUT: Duration = Duration::from_secs(5);

/// Default socket path for root.
const ROOT_PATH: &[u8] = b"/run/ovsd/ovsd.sock";

/// The daemon's socket path: `$OVSD_SOCKET`, else `/run/ovsd/ovsd.sock`
/// for euid 0, else `$XDG_RUNTIME_DIR/ovsd.sock`; `None` if none applies.
pub fn socket_path() -> Option<Vec<u8>> {
    if let Some(p) = env(c"OVSD_SOCKET") {
        return Some(p);
    }
    // SAFETY: geteuid cannot fail.
    if unsafe { libc::geteuid() } == 0 {
        return Some(ROOT_PATH.to_vec());
    }
    let mut p = env(c"XDG_RUNTIME_DIR")?;
    p.extend_from_slice(b"/ovsd.sock");
    Some(p)
}

/// A non-empty environment variable.
fn env(name: &CStr) -> Option<Vec<u8>> {
    // SAFETY: getenv with a NUL-terminated name; the result is copied at once.
    let v = unsafe { libc::getenv(name.as_ptr()) };
    if v.is_null() {
        return None;
    }
    // SAFETY: getenv returns a NUL-terminated string.
    let bytes = unsafe { CStr::from_ptr(v) }.to_bytes();
    (!bytes.is_empty()).then(|| bytes.to_vec())
}

/// A connected socket to ovsd, before it is published as an fd.
pub struct Conn {
    /// The data channel (the fd the application will hold).
    pub data: c_int,
    /// The private control channel.
    pub ctl: c_int,
    /// Port id reserved by ovsd.
    pub autobind: u32,
}

/// Closes a private fd on an error path.
fn close_quiet(fd: c_int) {
    // SAFETY: `fd` is owned by the caller and not used afterwards.
    unsafe { real::close(fd) };
}

/// Connects to ovsd for a socket of type `sock_type` (`SOCK_RAW` or
/// `SOCK_DGRAM`); `cloexec` is applied to the data fd. Any failure to reach
/// a daemon is `EPROTONOSUPPORT`; running out of fds keeps its errno.
pub fn connect(sock_type: c_int, cloexec: bool) -> Result<Conn, c_int> {
    let path = socket_path().ok_or(libc::EPROTONOSUPPORT)?;
    let cloexec_flag = if cloexec { libc::SOCK_CLOEXEC } else { 0 };
    // SAFETY: plain socket creation through the next `socket`.
    let data = unsafe { real::socket(libc::AF_UNIX, libc::SOCK_SEQPACKET | cloexec_flag, 0) };
    if data < 0 {
        return Err(errno());
    }
    let r = connect_path(data, &path).and_then(|()| handshake(data, sock_type as u32));
    match r {
        Ok((ctl, autobind)) => Ok(Conn {
            data,
            ctl,
            autobind,
        }),
        Err(e) => {
            close_quiet(data);
            Err(e)
        }
    }
}

/// Connects `fd` to the unix socket at `path`, bounded by [`HELLO_TIMEOUT`]
/// (unix `connect` waits for backlog room up to `SO_SNDTIMEO`).
fn connect_path(fd: c_int, path: &[u8]) -> Result<(), c_int> {
    // SAFETY: sockaddr_un is plain data.
    let mut sa: libc::sockaddr_un = unsafe { std::mem::zeroed() };
    if path.len() >= sa.sun_path.len() || path.contains(&0) {
        return Err(libc::EPROTONOSUPPORT);
    }
    sa.sun_family = libc::AF_UNIX as libc::sa_family_t;
    for (d, s) in sa.sun_path.iter_mut().zip(path) {
        *d = *s as libc::c_char;
    }
    let len = (std::mem::size_of::<libc::sa_family_t>() + path.len() + 1) as libc::socklen_t;
    set_sndtimeo(fd, HELLO_TIMEOUT);
    let r = loop {
        // SAFETY: `sa` is a valid sockaddr_un of `len` bytes.
        let r = unsafe { real::connect(fd, (&sa as *const libc::sockaddr_un).cast(), len) };
        if r == 0 {
            break Ok(());
        }
        match errno() {
            libc::EINTR => continue,
            libc::EISCONN => break Ok(()),
            _ => break Err(libc::EPROTONOSUPPORT),
        }
    };
    set_sndtimeo(fd, Duration::ZERO);
    r
}

/// Sets `SO_SNDTIMEO` on a private socket.
fn set_sndtimeo(fd: c_int, d: Duration) {
    let tv = libc::timeval {
        tv_sec: d.as_secs() as libc::time_t,
        tv_usec: d.subsec_micros() as libc::suseconds_t,
    };
    // SAFETY: a valid timeval of the declared size.
    unsafe {
        real::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_SNDTIMEO,
            (&tv as *const libc::timeval).cast(),
            std::mem::size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
}

/// Makes the control pair, sends the setup message with ovsd's end on the
/// data socket and waits for `HELLO`. Returns our control fd and the
/// autobind port id.
fn handshake(data: c_int, sock_type: u32) -> Result<(c_int, u32), c_int> {
    let mut pair = [-1; 2];
    // SAFETY: socketpair is not interposed; `pair` has room for two fds.
    let r = unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            pair.as_mut_ptr(),
        )
    };
    if r < 0 {
        return Err(errno());
    }
    let [ours, theirs] = pair;
    let sent = send_setup(data, theirs, sock_type);
    close_quiet(theirs);
    let r = sent.and_then(|()| wait_hello(ours));
    match r {
        Ok(autobind) => Ok((ours, autobind)),
        Err(e) => {
            close_quiet(ours);
            Err(e)
        }
    }
}

/// Sends `{MAGIC, VERSION, sock_type, 0}` with `passed` as `SCM_RIGHTS`.
fn send_setup(data: c_int, passed: c_int, sock_type: u32) -> Result<(), c_int> {
    let body = frame::setup_message(sock_type);
    let mut iov = libc::iovec {
        iov_base: body.as_ptr() as *mut c_void,
        iov_len: body.len(),
    };
    let fd_len = std::mem::size_of::<c_int>() as u32;
    // u64 storage keeps the control buffer aligned for cmsghdr.
    let mut cbuf = [0u64; 4];
    // SAFETY: CMSG_SPACE is a pure size computation.
    let space = unsafe { libc::CMSG_SPACE(fd_len) } as usize;
    debug_assert!(space <= std::mem::size_of_val(&cbuf));
    // SAFETY: msghdr is plain data; all pointers below refer to locals that
    // outlive the sendmsg call, and the cmsg fits in `cbuf`.
    unsafe {
        let mut msg: libc::msghdr = std::mem::zeroed();
        msg.msg_iov = &mut iov;
        msg.msg_iovlen = 1;
        msg.msg_control = cbuf.as_mut_ptr().cast();
        msg.msg_controllen = space as _;
        let c = libc::CMSG_FIRSTHDR(&msg);
        (*c).cmsg_level = libc::SOL_SOCKET;
        (*c).cmsg_type = libc::SCM_RIGHTS;
        (*c).cmsg_len = libc::CMSG_LEN(fd_len) as _;
        std::ptr::write_unaligned(libc::CMSG_DATA(c).cast::<c_int>(), passed);
        loop {
            let n = real::sendmsg(data, &msg, libc::MSG_NOSIGNAL);
            if n == body.len() as isize {
                return Ok(());
            }
            if n < 0 && errno() == libc::EINTR {
                continue;
            }
            return Err(libc::EPROTONOSUPPORT);
        }
    }
}

/// Waits up to [`HELLO_TIMEOUT`] for `HELLO` on the control channel.
fn wait_hello(ctl: c_int) -> Result<u32, c_int> {
    let deadline = Instant::now() + HELLO_TIMEOUT;
    loop {
        match poll_until(ctl, libc::POLLIN, Some(deadline)) {
            Ok(true) => {}
            Ok(false) => return Err(libc::EPROTONOSUPPORT),
            Err(libc::EINTR) => continue,
            Err(_) => return Err(libc::EPROTONOSUPPORT),
        }
        match recv_frame(ctl, libc::MSG_DONTWAIT) {
            Ok(Some(f)) if f.op == frame::OP_HELLO => return Ok(f.a),
            Ok(Some(_)) | Err(libc::EAGAIN) | Err(libc::EINTR) => continue,
            Ok(None) | Err(_) => return Err(libc::EPROTONOSUPPORT),
        }
    }
}

/// Receives one control frame. `Ok(None)` is end of file (ovsd closed its
/// end); a datagram of the wrong size comes back as a frame with op 0, which
/// every caller ignores.
fn recv_frame(ctl: c_int, flags: c_int) -> Result<Option<Frame>, c_int> {
    let mut buf = [0u8; FRAME_LEN + 1];
    // SAFETY: `buf` is writable for its length; ctl is a private fd.
    let n = unsafe { real::recv(ctl, buf.as_mut_ptr().cast(), buf.len(), flags) };
    if n < 0 {
        return Err(errno());
    }
    if n == 0 {
        return Ok(None);
    }
    Ok(Some(
        Frame::decode(&buf[..n as usize]).unwrap_or(Frame::new(0, 0, 0)),
    ))
}

/// Reads the next frame, blocking; marks the socket dead on end of file.
/// `DONE` frames are accounted for here (and `DONE_F_DUMP` noted), so the
/// caller sees them only as a change of `io.owed`.
pub fn next_frame(sock: &Sock, io: &mut Io) -> Result<Frame, c_int> {
    if io.dead {
        return Err(libc::ECONNRESET);
    }
    loop {
        match recv_frame(sock.ctl, 0) {
            Ok(Some(f)) => {
                if f.op == frame::OP_DONE {
                    io.owed = io.owed.saturating_sub(1);
                    if f.a & frame::DONE_F_DUMP != 0 {
                        sock.dumping.store(true, Ordering::Release);
                    }
                }
                return Ok(f);
            }
            Err(libc::EINTR) => continue,
            Ok(None) | Err(_) => {
                io.dead = true;
                return Err(libc::ECONNRESET);
            }
        }
    }
}

/// Waits until every sent datagram has its `DONE`.
pub fn wait_done(sock: &Sock, io: &mut Io) -> Result<(), c_int> {
    while io.owed > 0 {
        next_frame(sock, io)?;
    }
    Ok(())
}

/// Sends a control frame and waits for the answer with op `reply`
/// (accounting for any `DONE` that comes first). Caller holds `sock.io`.
pub fn request(sock: &Sock, io: &mut Io, req: Frame, reply: u32) -> Result<Frame, c_int> {
    if io.dead {
        return Err(libc::ECONNRESET);
    }
    let bytes = req.encode();
    loop {
        // SAFETY: a 16-byte local buffer on the private control fd.
        let n = unsafe {
            real::send(
                sock.ctl,
                bytes.as_ptr().cast(),
                bytes.len(),
                libc::MSG_NOSIGNAL,
            )
        };
        if n == bytes.len() as isize {
            break;
        }
        if n < 0 && errno() == libc::EINTR {
            continue;
        }
        io.dead = true;
        return Err(libc::ECONNRESET);
    }
    loop {
        let f = next_frame(sock, io)?;
        if f.op == reply {
            return Ok(f);
        }
    }
}

/// Converts an errno carried in a frame to a result.
pub fn errno_result(e: u32) -> Result<(), c_int> {
    match e {
        0 => Ok(()),
        e => Err(c_int::try_from(e).unwrap_or(libc::EINVAL)),
    }
}
