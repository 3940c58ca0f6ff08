"""Runs a command on a pseudo-terminal, as a user at a terminal would, and types at it.

    python3 pty_run.py WAIT_FOR KEYS -- COMMAND...

Reads the terminal until WAIT_FOR appears, types KEYS (escapes such as \\x03 for Ctrl-C and \\x04
for Ctrl-D are decoded), then reads to the end. Prints one JSON line: the exit code (or the
signal, negative) and everything the terminal showed. No timing: each step waits for the last.
"""
import json
import os
import pty
import sys


def main() -> None:
    split = sys.argv.index("--")
    wait_for, keys = sys.argv[1], sys.argv[2].encode().decode("unicode_escape").encode()
    command = sys.argv[split + 1 :]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    seen = b""
    typed = False
    while True:
        try:
            chunk = os.read(fd, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if not typed and wait_for.encode() in seen:
            typed = True
            os.write(fd, keys)
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"code": code, "typed": typed, "screen": seen.decode("utf8", "replace")}))


main()
