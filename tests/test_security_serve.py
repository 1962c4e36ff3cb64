"""The preview server (`zwgk serve`) serves the output folder and nothing else, on 127.0.0.1 only."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys

import pytest

from conftest import REPO

SECRET = "SECRET-KEY-MATERIAL"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A running `zwgk serve` on a small site, with secrets beside and above its output folder."""
    from conftest import minimal_site, write_files
    root = tmp_path_factory.mktemp("serve")
    (root / "secret.txt").write_text(SECRET, encoding="utf-8")
    site = write_files(root / "site", {**minimal_site(), "secret.txt": SECRET})
    proc = subprocess.Popen([sys.executable, "-m", "zwgk", "serve", site, "--port", "0"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONPATH": REPO})
    lines = []
    for line in proc.stdout:
        lines.append(line)
        found = re.search(r"http://([\d.]+):(\d+)/", line)
        if found:
            break
    else:
        raise AssertionError("".join(lines))
    yield found[1], int(found[2]), site
    proc.terminate()
    proc.wait(timeout=30)
    proc.stdout.close()


def get(port: int, raw_path: str) -> tuple[int, bytes]:
    """Send the path exactly as written (no client-side normalisation), return status and body."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(f"GET {raw_path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode("latin-1"))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _sep, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


TRAVERSALS = [
    "/../secret.txt", "/../../secret.txt", "/jia/../../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E/%2e%2e/secret.txt",
    "/..%2fsecret.txt", "/..%2F..%2Fsecret.txt", "/%2e%2e%2fsecret.txt", "/%252e%252e/secret.txt",
    "/%252e%252e%252fsecret.txt", "/..\\secret.txt", "/..%5csecret.txt", "/%5c..%5c..%5csecret.txt",
    "//etc/passwd", "/%2fetc/passwd", "/etc/passwd", "/.%2e/secret.txt", "/%c0%ae%c0%ae/secret.txt",
    "/..%00/secret.txt", "/jia/..;/../secret.txt", "/site.yaml", "/../site.yaml", "/%2e%2e/site.yaml",
    "/../catalog/jia/county.yaml", "/.zwgk-manifest.json/../../secret.txt",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_paths_out_of_the_output_folder_get_404(server, path):
    _host, port, _site = server
    status, body = get(port, path)
    assert status in (400, 404), (path, status)
    assert SECRET.encode() not in body and b"root:" not in body and b"name:" not in body


def test_pages_of_the_output_folder_are_served(server):
    _host, port, _site = server
    status, body = get(port, "/jia/docs/2024-czj-001.html")
    assert status == 200 and "甲县2024年预算公开".encode() in body


def test_it_listens_on_127_0_0_1_only(server):
    host, port, _site = server
    assert host == "127.0.0.1"
    listening = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table, encoding="ascii") as fh:
            for line in fh.readlines()[1:]:
                local, state = line.split()[1], line.split()[3]
                address, hexport = local.split(":")
                if int(hexport, 16) == port and state == "0A":   # 0A: LISTEN
                    listening.append(address)
    assert listening == ["0100007F"]   # 127.0.0.1, and nothing on any other address
