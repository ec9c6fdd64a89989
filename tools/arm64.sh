#!/usr/bin/env bash
# arm64.sh — run a command with arm64 Linux binaries executable on this
# amd64 machine: the kernel's binfmt_misc hands every aarch64 ELF file to
# Debian's qemu-user-static (package qemu-user-static, which .ci/run
# installs). Used by `make test-arm64`:
#
#   tools/arm64.sh env GOARCH=arm64 go test ./lib/...
#
# Registering goes through the kernel, so it needs root unless qemu-aarch64
# is registered already (Debian's binfmt-support does it on a machine with
# binfmt_misc mounted at install time). What this script registered or
# mounted, it removes on exit, so the rest of `make test` runs as before.
# Why binfmt and not `go test -exec qemu-aarch64-static`: lib/viz/nb's tests
# start the chart helper, an arm64 program too, from inside the test binary.
set -euo pipefail

qemu=/usr/bin/qemu-aarch64-static
dir=/proc/sys/fs/binfmt_misc
die() { printf 'arm64: error: %s\n' "$*" >&2; exit 1; }
[[ -x $qemu ]] || die "$qemu is missing: apt-get install qemu-user-static"
(( $# )) || die "usage: tools/arm64.sh COMMAND [ARG…]"

mounted=0 registered=0
cleanup() {
  if (( registered )); then echo -1 > "$dir/descent-aarch64" || true; fi
  if (( mounted )); then umount "$dir" || true; fi
}
trap cleanup EXIT

if [[ ! -e $dir/register ]]; then
  [[ $(id -u) -eq 0 ]] || die "binfmt_misc is not mounted and mounting it needs root"
  mount -t binfmt_misc binfmt_misc "$dir" || die "cannot mount binfmt_misc on $dir"
  mounted=1
fi
if ! grep -qs "^interpreter $qemu" "$dir"/qemu-aarch64 "$dir"/descent-aarch64; then
  [[ $(id -u) -eq 0 ]] || die "qemu-aarch64 is not registered with binfmt_misc and registering needs root"
  # ELF 64-bit little-endian, e_machine 0xb7 (AArch64); F: the kernel opens
  # the interpreter now, so it works inside any mount namespace.
  magic='\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00'
  mask='\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff'
  printf ':descent-aarch64:M::%s:%s:%s:F' "$magic" "$mask" "$qemu" > "$dir/register" \
    || die "binfmt_misc refused the qemu-aarch64 registration"
  registered=1
fi
"$@"
