#!/usr/bin/env bash
# Runs a cargo-fuzz target for a given time with a corpus seeded from every
# request in the recorded kernel traces (tests/traces).
#
#   scripts/fuzz.sh [dispatch|policy] [SECONDS]
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
for path in glob.glob("tests/traces/*/*.trace"):
    for line in open(path):
        f = line.split()
        if len(f) == 2 and f[0] == "send":
            msg = bytes.fromhex(f[1])
            # dispatch: first byte picks EXT_ACK/CAP_ACK; policy: attributes only
            for data in ([bytes([o]) + msg for o in (0, 1, 3)] if target == "dispatch" else [msg[24:]]):
                name = hashlib.sha1(data).hexdigest()
                p = os.path.join(corpus, name)
                if not os.path.exists(p):
                    open(p, "wb").write(data)
                    n += 1
print(f"seeded {n} new inputs into {corpus}", file=sys.stderr)
PY
export RUSTC_BOOTSTRAP=1
cd fuzz
exec cargo fuzz run "$target" "corpus/$target" -- -max_total_time="$seconds" -print_final_stats=1
