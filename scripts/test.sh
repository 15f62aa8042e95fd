#!/usr/bin/env bash
# The project's test command.
#
# 1. Installs what the tests need when it is missing (as root, on Debian 12):
#    iproute2, openvswitch-switch, openvswitch-common and linux-source-6.12
#    from apt (without starting any service), pip, and pyroute2 from PyPI.
# 2. Builds the whole workspace in release mode (the tests run ovsd and
#    libovsd_preload.so from target/release).
# 3. Runs every test in release mode. Arguments are passed to `cargo test`.
#
# Exits non-zero on any failure. Fast when everything is already installed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin:$HOME/.cargo/bin"

APT_PACKAGES=(iproute2 openvswitch-switch openvswitch-common linux-source-6.12 iputils-ping iputils-arping netcat-openbsd ethtool)
PYROUTE2=pyroute2==0.9.7

log() { echo "scripts/test.sh: $*" >&2; }

is_installed() {
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == 'install ok installed' ]]
}

POLICY_RC=/usr/sbin/policy-rc.d
MADE_POLICY_RC=0
remove_policy_rc() {
    if ((MADE_POLICY_RC)); then
        rm -f "$POLICY_RC"
        MADE_POLICY_RC=0
    fi
}
trap remove_policy_rc EXIT

# Runs apt-get install with services kept from starting: a policy-rc.d that
# denies every start, only while apt runs and only if there was none.
apt_install() {
    if [[ ! -e $POLICY_RC ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$POLICY_RC"
        chmod 755 "$POLICY_RC"
        MADE_POLICY_RC=1
    fi
    local rc=0
    {
        DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q &&
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
                install -y -q --no-install-recommends "$@"
    } || rc=$?
    remove_policy_rc
    return "$rc"
}

install_prerequisites() {
    local missing=() p
    if command -v dpkg-query >/dev/null; then
        for p in "${APT_PACKAGES[@]}"; do
            is_installed "$p" || missing+=("$p")
        done
    fi
    python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)
    if ((${#missing[@]})); then
        if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
            log "missing ${missing[*]} and cannot install them (needs root on Debian); tests needing them skip locally and fail in CI"
        else
            log "installing ${missing[*]}"
            apt_install "${missing[@]}"
        fi
    fi

    if ! python3 -c 'import pyroute2, sys; sys.exit(pyroute2.__version__ != "0.9.7")' 2>/dev/null; then
        if ! python3 -m pip --version >/dev/null 2>&1; then
            log "no pip, cannot install $PYROUTE2; pyroute2 tests skip locally and fail in CI"
            return 0
        fi
        log "installing $PYROUTE2"
        local out
        if ! out=$(python3 -m pip install -q --root-user-action=ignore "$PYROUTE2" 2>&1); then
            if grep -q externally-managed-environment <<<"$out"; then
                python3 -m pip install -q --root-user-action=ignore --break-system-packages "$PYROUTE2"
            else
                printf '%s\n' "$out" >&2
                return 1
            fi
        fi
    fi
}

install_prerequisites
cargo build --release --workspace
cargo test --release --workspace --no-fail-fast "$@"
