#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""console-receiver.py SOCKET REPORT

Plays the caller's side of `--console-socket` the way containerd and conmon do: listens on the
unix socket SOCKET, accepts one connection, receives one message carrying the pty master over
SCM_RIGHTS, then reads the master until the container closes its side. Writes a JSON report to
REPORT:

  {"fds": <number of fds received>, "name": <the message's payload>, "isatty": <the first fd is
   a terminal>, "output": <what the container wrote on its terminal>}

Gives up (and says so in the report) after a while, so a broken runtime cannot hang the tests.
"""
import array
import errno
import json
import os
import select
import socket
import sys

TIMEOUT = 60.0


def receive(conn):
    fds = array.array("i")
    msg, ancdata, _flags, _addr = conn.recvmsg(4096, socket.CMSG_SPACE(8 * fds.itemsize))
    for level, kind, data in ancdata:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(data) - (len(data) % fds.itemsize)
            fds.frombytes(data[:usable])
    return msg.decode(errors="replace"), list(fds)


def read_until_closed(fd):
    out = b""
    while True:
        ready, _, _ = select.select([fd], [], [], TIMEOUT)
        if not ready:
            return out, "timed out reading the terminal"
        try:
            chunk = os.read(fd, 4096)
        except OSError as e:
            if e.errno == errno.EIO:  # every slave fd is closed: the container is gone
                return out, None
            raise
        if not chunk:
            return out, None
        out += chunk


def main(sock_path, report_path):
    report = {"fds": 0, "name": None, "isatty": False, "output": "", "error": None}
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(sock_path)
    listener.listen(1)
    listener.settimeout(TIMEOUT)
    try:
        conn, _ = listener.accept()
        conn.settimeout(TIMEOUT)
        report["name"], fds = receive(conn)
        conn.close()
        report["fds"] = len(fds)
        if fds:
            report["isatty"] = os.isatty(fds[0])
            out, report["error"] = read_until_closed(fds[0])
            report["output"] = out.decode(errors="replace")
    except (OSError, socket.timeout) as e:
        report["error"] = str(e)
    finally:
        listener.close()
    with open(report_path + ".tmp", "w") as f:
        json.dump(report, f)
    os.rename(report_path + ".tmp", report_path)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
