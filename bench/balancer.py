"""nginx in front of several `streamlit run` replicas on loopback.

The hosting topology of deploy/compose.yaml, runnable without Docker (see tests/e2e).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path
from string import Template

from bench.harness import ROOT, StreamlitServer, free_port

TEMPLATE = ROOT / "deploy" / "nginx.conf.template"


def find_nginx() -> str | None:
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


class Balancer:
    """``replicas`` Streamlit servers (sharing one cookie secret) behind one nginx."""

    def __init__(self, replicas: int = 2, script: str = "app.py") -> None:
        self.prefix = Path(tempfile.mkdtemp(prefix="dlx-nginx-"))
        os.chmod(self.prefix, 0o777)  # nginx workers run as an unprivileged user
        self.port = free_port()
        secret = os.urandom(16).hex()
        self.servers = [
            StreamlitServer(
                script,
                env={
                    "DLX_REPLICA": chr(ord("A") + i),
                    "DLX_DEVICE": "cpu",
                    "STREAMLIT_SERVER_COOKIE_SECRET": secret,
                },
            )
            for i in range(replicas)
        ]
        self.proc: subprocess.Popen | None = None

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}/{path.lstrip('/')}"

    def _write_conf(self) -> Path:
        upstream = "\n".join(
            f"        server 127.0.0.1:{s.port} max_fails=1 fail_timeout=3s;" for s in self.servers
        )
        text = Template(TEMPLATE.read_text()).safe_substitute(
            PREFIX=str(self.prefix), LISTEN=f"127.0.0.1:{self.port}", UPSTREAM_SERVERS=upstream
        )
        conf = self.prefix / "nginx.conf"
        conf.write_text(text)
        return conf

    def start(self) -> Balancer:
        for s in self.servers:
            s.start()
        conf = self._write_conf()
        self.proc = subprocess.Popen(
            [find_nginx(), "-p", str(self.prefix), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url("_stcore/health"), timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"nginx not serving; see {self.prefix}/error.log")

    def restart_replica(self, index: int) -> None:
        """Stop one replica and start it again on the same port (a rolling restart)."""
        server = self.servers[index]
        server.stop()
        time.sleep(1.0)
        server.start()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)
        for s in self.servers:
            s.stop()
        shutil.rmtree(self.prefix, ignore_errors=True)

    def __enter__(self) -> Balancer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
