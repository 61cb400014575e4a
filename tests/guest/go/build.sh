#!/bin/sh
# Build stress.go as a static Go program for one architecture (GOARCH:
# arm64, riscv64, or "native"), with the Go build cache under the build
# directory so that nothing outside it is written.
#   build.sh GOARCH OUTPUT SOURCE CACHEDIR
set -eu
arch=$1 out=$2 src=$3 cache=$4
mkdir -p "$cache"
export GOCACHE="$cache" GOPATH="$cache/gopath" GOFLAGS=-mod=mod CGO_ENABLED=0
if [ "$arch" != native ]; then
  export GOOS=linux GOARCH="$arch"
fi
exec go build -o "$out" "$src"
