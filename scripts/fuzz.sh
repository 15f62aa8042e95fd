#!/usr/bin/env bash
# Runs a cargo-fuzz target for a given time with a corpus seeded from every
# request in the recorded kernel traces (tests/traces).
#
#   scripts/fuzz.sh [dispatch|policy|match|actions|extract|gso|flow_string] [SECONDS]
#
# Seeds: requests (dispatch: with a leading option byte; the others: their
# attributes) from the traces; extract: every injected frame and EXECUTE
# packet of the traces, each with a leading setup byte of 0; flow_string:
# every flow and action string ovs-dpctl printed or was given in the
# transcripts under ../shared/traces/ovs-dpctl and tests/fixtures.
#
# Needs cargo-fuzz (`cargo install cargo-fuzz`). On a stable toolchain the
# sanitizer flags need RUSTC_BOOTSTRAP=1, which this script sets.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
target=${1:-dispatch}
seconds=${2:-60}
corpus=fuzz/corpus/$target
mkdir -p "$corpus"
python3 - "$corpus" "$target" <<'PY'
import glob, hashlib, os, sys
corpus, target = sys.argv[1], sys.argv[2]
n = 0
def seed(data):
    global n
    name = hashlib.sha1(data).hexdigest()
    p = os.path.join(corpus, name)
    if not os.path.exists(p):
        open(p, "wb").write(data)
        n += 1

def packet_attr(msg):
    # OVS_PACKET_ATTR_PACKET (1) of an ovs_packet EXECUTE, after nlmsghdr,
    # genlmsghdr and ovs_header
    off = 24
    while off + 4 <= len(msg):
        alen = int.from_bytes(msg[off:off + 2], "little")
        if alen < 4:
            return None
        if int.from_bytes(msg[off + 2:off + 4], "little") & 0x3FFF == 1:
            return msg[off + 4:off + alen]
        off += (alen + 3) & ~3
    return None

if target == "flow_string":
    import re
    for path in glob.glob("../shared/traces/ovs-dpctl/*.txt") + glob.glob("tests/fixtures/*/*"):
        for line in open(path, errors="replace"):
            for part in re.split(r"\s+(?=actions:)|, (?=packets:)|\s+'|'\s*", line.strip()):
                if "(" in part:
                    seed(part.encode())
for path in glob.glob("tests/traces/*/*.trace"):
    for line in open(path):
        f = line.split()
        if len(f) != 2:
            continue
        if target == "gso":
            if f[0] == "frame":
                for t in (0, 1, 2):
                    seed(bytes([t, 0, 8]) + bytes.fromhex(f[1]))
        elif target == "extract":
            if f[0] == "frame":
                seed(b"\0" + bytes.fromhex(f[1]))
            elif f[0] == "send":
                pkt = packet_attr(bytes.fromhex(f[1]))
                if pkt:
                    seed(b"\0" + pkt)
        elif f[0] == "send" and target != "flow_string":
            msg = bytes.fromhex(f[1])
            # dispatch: first byte picks EXT_ACK/CAP_ACK; policy: attributes only
            for data in ([bytes([o]) + msg for o in (0, 1, 3)] if target == "dispatch" else [msg[24:]]):
                seed(data)
print(f"seeded {n} new inputs into {corpus}", file=sys.stderr)
PY
export RUSTC_BOOTSTRAP=1
cd fuzz
exec cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1
