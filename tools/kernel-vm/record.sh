#!/bin/bash
# Records every scenario of tests/scenarios/ on real Debian kernels under
# qemu and writes the traces to tests/traces/<kernel>/.
#
#   tools/kernel-vm/record.sh [6.1] [6.12]        (default: both)
#
# On a fresh Debian 12 machine (as root) it installs what it needs, fetches
# the kernel packages (download only, nothing is installed), builds an
# initramfs with busybox, openvswitch.ko and its dependencies and a
# statically linked `ovsd-trace record --kernel` (built here with cargo;
# RECORDER=nltrace uses the oracle's C recorder instead), boots each kernel
# once with every scenario (each in its own network namespace) and once more
# with the tunnel modules for tunnels.nls. TCG only: nested KVM hangs on
# these hosts. The oracle at $ORACLE (default ../shared/oracle) supplies the
# kernel fetch, initramfs and boot scripts.
# Work files go to $WORK (default /tmp/ovsd-kernel-vm, about 500 MB per kernel);
# traces to $OUT/<kernel>/ (default tests/traces).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ORACLE=${ORACLE:-$ROOT/../shared/oracle}
WORK=${WORK:-/tmp/ovsd-kernel-vm}
OUT=${OUT:-$ROOT/tests/traces}
RECORDER=${RECORDER:-ovsd-trace}
TARGET=x86_64-unknown-linux-gnu
TRACE_BIN=$ROOT/target/$TARGET/release/ovsd-trace
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

if [ "$RECORDER" = ovsd-trace ]; then
	# glibc, statically linked: runs in the busybox initramfs
	(cd "$ROOT" && RUSTFLAGS="-C target-feature=+crt-static" \
		cargo build --release -q -p ovsd-trace --target $TARGET)
	ldd "$TRACE_BIN" 2>&1 | grep -qE 'statically linked|not a dynamic' ||
		{ echo "$TRACE_BIN is not statically linked" >&2; exit 1; }
fi

# builds the initramfs ($MODULES as the oracle's script takes them); with
# ovsd-trace, puts it into the image and has /init run it instead of nltrace
initramfs() {
	"$O/scripts/build-initramfs.sh" >/dev/null
	[ "$RECORDER" = ovsd-trace ] || return 0
	local r=$ORACLE_BUILD/initramfs-root
	strip -o "$r/bin/ovsd-trace" "$TRACE_BIN" 2>/dev/null || install -m 0755 "$TRACE_BIN" "$r/bin/ovsd-trace"
	sed -i 's|/bin/nltrace "$s" /tmp/$name.trace|/bin/ovsd-trace record --kernel "$s" -o /tmp/$name.trace|' "$r/init"
	grep -q 'ovsd-trace record --kernel' "$r/init" || { echo "cannot patch $r/init" >&2; exit 1; }
	(cd "$r" && find . | LC_ALL=C sort | cpio -o -H newc --quiet -R 0:0) | gzip -1 > "$ORACLE_BUILD/base.cpio.gz"
}

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
	initramfs
	"$O/scripts/run.sh" -o "$out" "${plain[@]}"
	# ip_gre's devices change the ifindexes of every namespace: a boot of its own
	MODULES="openvswitch vport-vxlan vport-geneve vport-gre" initramfs
	"$O/scripts/run.sh" -o "$out-tun" "$S/tunnels.nls"
	initramfs
	mkdir -p "$OUT/$k"
	for s in "${plain[@]}" "$S/tunnels.nls"; do
		n=$(basename "$s" .nls)
		f=$out/$n.trace
		[ -f "$f" ] || f=$out-tun/$n.trace
		if grep -q '^fatal' "$f" || ! grep -q '^eof' "$f"; then
			echo "$n: recorder failed on $k (see ${f%.trace}.stderr)" >&2
			exit 1
		fi
		cp "$f" "$OUT/$k/$n.trace"
	done
	echo "kernel $k: $(ls "$OUT/$k"/*.trace | wc -l) traces"
done
echo "recorded in $(( $(date +%s) - t0 )) s"
