#!/usr/bin/env python3
"""Run a Python script as an unprivileged user, so that checks root
skips (mmap below vm.mmap_min_addr needs CAP_SYS_RAWIO) are made: as
root through setpriv as nobody, with the system's python3 (the one
running this may live in root's home), otherwise as is. Skips (77) when
root has no setpriv or nobody cannot run the script.

usage: unprivileged.py SCRIPT [ARG...]
"""
import os
import shutil
import sys

cmd = [sys.executable] + sys.argv[1:]
if os.geteuid() == 0:
    setpriv = shutil.which("setpriv")
    python = "/usr/bin/python3"
    if not setpriv or not os.path.exists(python):
        print("running as root without setpriv or /usr/bin/python3")
        sys.exit(77)
    # The cache directory of the test set-up is root's: nobody may not use
    # it, and vemu would say so on stderr.
    os.environ.pop("VEMU_TB_CACHE", None)
    cmd = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups",
           "--inh-caps=-all", python] + sys.argv[1:]
os.execv(cmd[0], cmd)
