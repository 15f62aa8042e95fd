#!/bin/bash
# Records every scenario of tests/scenarios/ on real Debian kernels under
# qemu and writes the traces to tests/traces/<kernel>/.
#
#   tools/kernel-vm/record.sh [6.1] [6.12]        (default: both)
#
# On a fresh Debian 12 machine (as root) it installs what it needs, fetches
# the kernel packages (download only, nothing is installed), builds an
# initramfs with busybox, openvswitch.ko and its dependencies and the
# project's shared recorder (nltrace, statically linked, from the oracle at
# $ORACLE, default ../shared/oracle), boots each kernel once with every
# scenario (each in its own network namespace) and once more with the
# tunnel modules for tunnels.nls. TCG only: nested KVM hangs on these hosts.
# Work files go to $WORK (default /tmp/ovsd-kernel-vm, about 500 MB per kernel).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ORACLE=${ORACLE:-$ROOT/../shared/oracle}
WORK=${WORK:-/tmp/ovsd-kernel-vm}
KERNELS=("$@")
[ ${#KERNELS[@]} -gt 0 ] || KERNELS=(6.1 6.12)

PKGS="qemu-system-x86 busybox-static cpio xz-utils zstd kmod gcc libc6-dev bc python3"
missing=""
for p in $PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
	apt-get update
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
fi

[ -d "$ORACLE/scripts" ] || { echo "no oracle at $ORACLE (set ORACLE=)" >&2; exit 1; }
mkdir -p "$WORK"
rm -rf "$WORK/oracle"
cp -r "$ORACLE" "$WORK/oracle"
rm -rf "$WORK/oracle/build"
O=$WORK/oracle
S=$ROOT/tests/scenarios

kernel_package() {
	case "$1" in
	6.1) apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}' ;;
	6.12) apt-cache search --names-only '^linux-image-6\.12\..*amd64-unsigned$' |
		awk '$1 ~ /^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$/ {print $1}' | sort -V | tail -1 ;;
	*) echo "unknown kernel $1 (6.1 or 6.12)" >&2; return 1 ;;
	esac
}

t0=$(date +%s)
for k in "${KERNELS[@]}"; do
	export ORACLE_BUILD=$WORK/build-$k
	mkdir -p "$ORACLE_BUILD"
	if [ ! -f "$ORACLE_BUILD/vmlinuz" ]; then
		pkg=$(kernel_package "$k")
		[ -n "$pkg" ] || { apt-get update; pkg=$(kernel_package "$k"); }
		KPKG=$pkg "$O/scripts/fetch-kernel.sh"
	fi
	out=$WORK/out-$k
	rm -rf "$out" "$out-tun"
	plain=()
	for s in "$S"/*.nls; do
		[ "$(basename "$s")" = tunnels.nls ] || plain+=("$s")
	done
	"$O/scripts/build-initramfs.sh" >/dev/null
	"$O/scripts/run.sh" -o "$out" "${plain[@]}"
	# ip_gre's devices change the ifindexes of every namespace: a boot of its own
	MODULES="openvswitch vport-vxlan vport-geneve vport-gre" "$O/scripts/build-initramfs.sh" >/dev/null
	"$O/scripts/run.sh" -o "$out-tun" "$S/tunnels.nls"
	"$O/scripts/build-initramfs.sh" >/dev/null
	mkdir -p "$ROOT/tests/traces/$k"
	for s in "${plain[@]}" "$S/tunnels.nls"; do
		n=$(basename "$s" .nls)
		f=$out/$n.trace
		[ -f "$f" ] || f=$out-tun/$n.trace
		grep -q '^fatal' "$f" && { echo "$n: recorder failed on $k" >&2; exit 1; }
		cp "$f" "$ROOT/tests/traces/$k/$n.trace"
	done
	echo "kernel $k: $(ls "$ROOT/tests/traces/$k"/*.trace | wc -l) traces"
done
echo "recorded in $(( $(date +%s) - t0 )) s"
