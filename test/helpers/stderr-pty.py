"""Runs a command with stderr on a pseudo-terminal (stdout to a file, stdin closed) and prints
{"code", "stdout", "stderr"} as JSON: how a person at a terminal sees `dataset plan > plan.txt`."""
import json
import os
import pty
import subprocess
import sys
import tempfile

master, slave = pty.openpty()
with tempfile.TemporaryFile() as out:
    child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=out, stderr=slave)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO once the child has closed its end
            break
        if not chunk:
            break
        err += chunk
    code = child.wait()
    out.seek(0)
    stdout = out.read()
print(json.dumps({"code": code, "stdout": stdout.decode(), "stderr": err.decode()}))
