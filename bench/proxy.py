"""The compose file's proxy (proxy/nginx.conf) run on this machine with Debian's nginx.

Only what Docker provides is replaced: the listening port, the address of the "web" service and
the cache's directory; the nginx image's own nginx.conf (the http block that includes conf.d) is
written beside it. Used by tests/e2e/test_proxy.py and by `make bench` (the statement page read
through the proxy).
"""

import os
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "proxy" / "nginx.conf"


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next(
        (path for path in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(path, os.X_OK)), None
    )


def site_config(port: int, web: str, cache_dir: Path) -> str:
    """proxy/nginx.conf listening on 127.0.0.1:port, passing to web ("host:port"), caching in cache_dir."""
    text = CONFIG.read_text()
    for old, new in (
        ("listen 80;", f"listen 127.0.0.1:{port};"),
        ("set $web web:8000;", f"set $web {web};"),
        ("/var/cache/nginx/pages", str(cache_dir)),
    ):
        if text.count(old) != 1:
            raise ValueError(f"{old!r} is not in {CONFIG.name} exactly once")
        text = text.replace(old, new)
    return text


def command(work: Path, port: int, web: str) -> list[str]:
    """Write the configuration into work/ and return the command that runs nginx in the foreground."""
    for name in ("cache", "temp"):
        (work / name).mkdir(exist_ok=True)
    (work / "site.conf").write_text(site_config(port, web, work / "cache"))
    # As root, nginx's workers would run as nobody, who cannot write the cache here.
    user = "user root root;" if os.geteuid() == 0 else ""
    (work / "nginx.conf").write_text(
        f"""{user}
daemon off;
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {work}/temp/body;
    proxy_temp_path {work}/temp/proxy;
    fastcgi_temp_path {work}/temp/fastcgi;
    uwsgi_temp_path {work}/temp/uwsgi;
    scgi_temp_path {work}/temp/scgi;
    include {work}/site.conf;
}}
"""
    )
    return [nginx_binary() or "nginx", "-p", str(work), "-c", str(work / "nginx.conf")]
