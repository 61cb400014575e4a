# Shared by make-root.sh and run.sh (sourced, not run): the supported
# Debian architectures and path resolution inside a root.
# shellcheck shell=bash

# Debian architecture -> suite, vemu's name for it, and its dynamic loader.
debian_suite() {
  case $1 in
    riscv64) echo trixie ;;
    arm64) echo bookworm ;;
    *) return 1 ;;
  esac
}
vemu_arch_name() {
  case $1 in
    riscv64) echo riscv64 ;;
    arm64) echo aarch64 ;;
    *) return 1 ;;
  esac
}
debian_loader() {
  case $1 in
    riscv64) echo /lib/ld-linux-riscv64-lp64d.so.1 ;;
    arm64) echo /lib/ld-linux-aarch64.so.1 ;;
    *) return 1 ;;
  esac
}

# root_resolve ROOT GUEST_PATH: print the host path that GUEST_PATH names
# inside ROOT, following symbolic links as a chroot would (absolute targets
# re-rooted at ROOT, ".." never above ROOT), the way vemu's -L does. Returns
# 1 after 40 links (a loop). The result need not exist.
root_resolve() {
  local root=$1 path=$2 done="" comp target hops=0
  while :; do
    path=${path#"${path%%[!/]*}"}
    [ -n "$path" ] || break
    comp=${path%%/*}
    if [[ $path == */* ]]; then
      path=${path#*/}
    else
      path=""
    fi
    case $comp in
      .) continue ;;
      ..) done=${done%/*}; continue ;;
    esac
    if [ -L "$root$done/$comp" ]; then
      hops=$((hops + 1))
      [ "$hops" -le 40 ] || return 1
      target=$(readlink "$root$done/$comp")
      [[ $target != /* ]] || done=""
      path="$target/$path"
    else
      done="$done/$comp"
    fi
  done
  printf '%s\n' "$root${done:-/}"
}
