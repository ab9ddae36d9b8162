#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
#
# no-clone3.py PROGRAM [ARG...]: runs PROGRAM with clone3(2) answered ENOSYS by a seccomp
# filter, as under an older kernel or a container engine's profile that refuses it (Podman's
# does). guest-cgroup2.sh runs ocirun under it to take the path where the init cannot be born
# in its cgroup (CLONE_INTO_CGROUP) and is moved there by writing cgroup.procs instead.
# x86_64 only; needs CAP_SYS_ADMIN (or no_new_privs, which this does not set).
import ctypes
import os
import struct
import sys

AUDIT_ARCH_X86_64 = 0xC000003E
NR_CLONE3 = 435
ENOSYS = 38
RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000
LD_W_ABS, JEQ_K, RET_K = 0x20, 0x15, 0x06


def insn(code, k, jt=0, jf=0):
    return struct.pack("HBBI", code, jt, jf, k)


program = b"".join([
    insn(LD_W_ABS, 4),  # seccomp_data.arch
    insn(JEQ_K, AUDIT_ARCH_X86_64, 1, 0),
    insn(RET_K, RET_ALLOW),
    insn(LD_W_ABS, 0),  # seccomp_data.nr
    insn(JEQ_K, NR_CLONE3, 0, 1),
    insn(RET_K, RET_ERRNO | ENOSYS),
    insn(RET_K, RET_ALLOW),
])


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: no-clone3.py PROGRAM [ARG...]")
    buf = ctypes.create_string_buffer(program, len(program))
    prog = SockFprog(len(program) // 8, ctypes.addressof(buf))
    libc = ctypes.CDLL(None, use_errno=True)
    PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 22, 2
    if libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.byref(prog), 0, 0) != 0:
        err = ctypes.get_errno()
        sys.exit("no-clone3.py: prctl(PR_SET_SECCOMP): " + os.strerror(err))
    os.execvp(sys.argv[1], sys.argv[1:])


main()
