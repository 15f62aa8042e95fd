//! Small helpers over [`NlSocket`]: a request and its replies, ACK checks,
//! draining unexpected error replies, reading a whole dump.

use anyhow::{bail, Result};
use genl::nlmsg::{MsgIter, NLMSG_DONE, NLMSG_ERROR};
use ovsd::client::NlSocket;
use std::io;

/// Receive buffer size (what ovs-vswitchd reads dumps with).
pub const RECV_BUF: usize = 64 * 1024;

/// Errno of an `NLMSG_ERROR`/`NLMSG_DONE` message (positive), else None.
fn errno_of(msg: &[u8]) -> Option<i32> {
    let ty = u16::from_ne_bytes([msg[4], msg[5]]);
    if (ty == NLMSG_ERROR || ty == NLMSG_DONE) && msg.len() >= 20 {
        Some(-i32::from_ne_bytes([msg[16], msg[17], msg[18], msg[19]]))
    } else {
        None
    }
}

/// Every datagram already queued on `sock` (replies are queued before
/// `send` returns, so nothing more will come for earlier requests).
pub fn drain(sock: &mut NlSocket, buf: &mut [u8]) -> Result<Vec<Vec<u8>>> {
    let mut v = Vec::new();
    loop {
        match sock.recv(buf, false) {
            Ok(n) => v.push(buf[..n].to_vec()),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => return Ok(v),
            Err(e) => return Err(e.into()),
        }
    }
}

/// How many error messages (non-zero errno) are queued on `sock`; consumes
/// every queued datagram.
pub fn drain_errors(sock: &mut NlSocket, buf: &mut [u8]) -> Result<u64> {
    let mut n = 0;
    for d in drain(sock, buf)? {
        n += MsgIter::new(&d)
            .filter(|m| errno_of(m.bytes()).is_some_and(|e| e != 0))
            .count() as u64;
    }
    Ok(n)
}

/// Sends a request with ACK; fails on an error reply. Returns the
/// `dp_ifindex` of the first non-ACK reply (ECHO), if any.
pub fn expect_ack(sock: &mut NlSocket, req: &[u8]) -> Result<Option<i32>> {
    sock.send(req)?;
    let mut buf = vec![0u8; RECV_BUF];
    let mut dp_ifindex = None;
    let mut acked = false;
    for d in drain(sock, &mut buf)? {
        for m in MsgIter::new(&d) {
            let b = m.bytes();
            match errno_of(b) {
                Some(0) => acked = true,
                Some(e) => bail!("request failed: {}", io::Error::from_raw_os_error(e)),
                None if b.len() >= 24 && dp_ifindex.is_none() => {
                    dp_ifindex = Some(i32::from_ne_bytes([b[20], b[21], b[22], b[23]]));
                }
                None => {}
            }
        }
    }
    if !acked {
        bail!("no ACK");
    }
    Ok(dp_ifindex)
}

/// Sends a dump request and reads it to `NLMSG_DONE`: (records, bytes).
pub fn read_dump(sock: &mut NlSocket, req: &[u8]) -> Result<(u64, u64)> {
    sock.send(req)?;
    let mut buf = vec![0u8; RECV_BUF];
    let (mut records, mut bytes) = (0u64, 0u64);
    loop {
        let n = sock.recv(&mut buf, true)?;
        bytes += n as u64;
        for m in MsgIter::new(&buf[..n]) {
            match errno_of(m.bytes()) {
                None => records += 1,
                Some(0) if m.msg_type() == NLMSG_DONE => return Ok((records, bytes)),
                Some(e) => bail!("dump failed: {}", io::Error::from_raw_os_error(e)),
            }
        }
    }
}
