//! `ovsd-genl-probe NAME…`: resolves generic netlink families by hand with
//! plain libc socket calls, one fresh `NETLINK_GENERIC` socket per name (as
//! OVS does), and prints one line per name:
//!
//! * `NAME id=… version=… hdrsize=… maxattr=… ops=ID:FLAGS,… groups=NAME:ID,…`
//! * `NAME error=ERRNO` for an `NLMSG_ERROR` reply.
//!
//! Exits 0 when every name got a reply; prints `socket: errno=N` (or the
//! failing call) and exits 1 when a socket call fails.

use ovsd_tests::genl_wire::{getfamily_request, parse_reply, Reply, NETLINK_GENERIC};
use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    let names: Vec<String> = std::env::args().skip(1).collect();
    if names.is_empty() {
        eprintln!("usage: ovsd-genl-probe FAMILY...");
        return ExitCode::from(2);
    }
    for (seq, name) in names.iter().enumerate() {
        match resolve(name, seq as u32 + 1) {
            Ok(Reply::Family(fam)) => println!("{fam}"),
            Ok(Reply::Error(errno)) => println!("{name} error={errno}"),
            Err((call, err)) => {
                println!("{call}: errno={}", err.raw_os_error().unwrap_or(0));
                eprintln!("{call}: {err}");
                return ExitCode::from(1);
            }
        }
    }
    ExitCode::SUCCESS
}

/// One GETFAMILY round trip on a fresh socket.
fn resolve(name: &str, seq: u32) -> Result<Reply, (&'static str, io::Error)> {
    // SAFETY: plain libc calls with valid buffers; the fd is closed below.
    unsafe {
        let fd = libc::socket(libc::AF_NETLINK, libc::SOCK_RAW, NETLINK_GENERIC);
        if fd < 0 {
            return Err(("socket", io::Error::last_os_error()));
        }
        let result = round_trip(fd, name, seq);
        libc::close(fd);
        result
    }
}

/// Sends the request to the kernel address and reads one reply datagram.
unsafe fn round_trip(fd: i32, name: &str, seq: u32) -> Result<Reply, (&'static str, io::Error)> {
    let req = getfamily_request(name, seq);
    let mut kernel: libc::sockaddr_nl = std::mem::zeroed();
    kernel.nl_family = libc::AF_NETLINK as libc::sa_family_t;
    let sent = libc::sendto(
        fd,
        req.as_ptr().cast(),
        req.len(),
        0,
        &kernel as *const libc::sockaddr_nl as *const libc::sockaddr,
        std::mem::size_of::<libc::sockaddr_nl>() as libc::socklen_t,
    );
    if sent < 0 {
        return Err(("sendto", io::Error::last_os_error()));
    }
    let mut buf = vec![0u8; 65536];
    let got = libc::recv(fd, buf.as_mut_ptr().cast(), buf.len(), 0);
    if got < 0 {
        return Err(("recv", io::Error::last_os_error()));
    }
    parse_reply(&buf[..got as usize]).map_err(|e| ("parse", io::Error::other(e)))
}
