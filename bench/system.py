"""Processes, ports and measurements of the machine for the bench."""

import contextlib
import os
import platform
import re
import resource
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 60
_started = time.monotonic()


def elapsed() -> float:
    return time.monotonic() - _started


def say(message: str) -> None:
    print(f"[bench {time.monotonic() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


class BenchError(Exception):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=1):
        return True
    return False


def wait_until(predicate, what: str, timeout: float = START_TIMEOUT, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise BenchError(f"timed out after {timeout:g}s waiting for {what}")
        time.sleep(interval)


class Service:
    """A subprocess in its own process group (its children stop with it), logging to a file."""

    def __init__(self, name: str, args: list[str], env: dict, log_dir: Path):
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def check(self) -> None:
        if self.process.poll() is not None:
            raise BenchError(f"{self.name} exited with {self.process.returncode}:\n{self.tail()}")

    def tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError as exc:
            return f"(no log: {exc})"

    def stop(self, timeout: float = 15) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of the group (a worker whose parent died) goes too.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        self._log.close()


def children(pid: int) -> list[int]:
    """Direct children of a process (gunicorn's workers), from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name may contain spaces; the parent id is the second field after ")".
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(entry.name))
    return found


def memory_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak_memory(pid: int) -> bool:
    """Reset the process's VmHWM to its current RSS (Linux: write 5 to clear_refs)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class CpuWatch:
    """Where the machine's CPU went during a load run: the web server, our database, and others.

    Other work on the machine (a test suite, a build) takes CPU from the server and lowers every
    figure; `others_share` puts a number on it. The server's and the database's CPU time per request
    do not depend on such contention, so they compare runs on a busy machine too. Shared PostgreSQL
    and Redis processes that serve no one in particular (WAL writer, checkpointer, redis-server)
    count as ours.
    """

    def __init__(self, database: str, web_pid: int, senders_pid: int = 0):
        self.database = database
        self.web_pid = web_pid
        # The Celery worker running the outbox senders, when its CPU is wanted apart.
        self.senders_pid = senders_pid
        self.ticks_per_s = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _busy_ticks() -> int:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        # user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait.
        return sum(fields) - fields[3] - fields[4]

    def _snapshot(self) -> dict[str, int]:
        me = os.getpid()
        parents, ticks, names = {}, {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            rest = stat.rsplit(")", 1)[1].split()
            pid = int(entry.name)
            parents[pid] = int(rest[1])
            ticks[pid] = int(rest[11]) + int(rest[12])
            names[pid] = cmdline
        totals = {"ours": 0, "web": 0, "db": 0, "senders": 0}
        for pid, cmdline in names.items():
            ancestors, ancestor = set(), pid
            while ancestor > 1 and ancestor not in ancestors:
                ancestors.add(ancestor)
                ancestor = parents.get(ancestor, 0)
            ours = me in ancestors
            if cmdline.startswith("postgres:"):
                backend = re.match(r"postgres: (?:\S+: )?\S+ (\S+) \S+\(", cmdline)
                if backend and backend.group(1) == self.database:
                    totals["db"] += ticks[pid]
                # A backend of another database is someone else's; the rest serve us too.
                ours = not backend or backend.group(1) == self.database
            elif "redis-server" in cmdline:
                ours = True
            if self.web_pid in ancestors:
                totals["web"] += ticks[pid]
            if self.senders_pid and self.senders_pid in ancestors:
                totals["senders"] += ticks[pid]
            if ours:
                totals["ours"] += ticks[pid]
        return totals

    def __enter__(self):
        self.started = time.monotonic()
        self.busy = self._busy_ticks()
        self.before = self._snapshot()
        self.children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return self

    def __exit__(self, *exc):
        elapsed = time.monotonic() - self.started
        busy = self._busy_ticks() - self.busy
        after = self._snapshot()
        spent = {key: (after[key] - self.before[key]) / self.ticks_per_s for key in after}
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        # Children that ended meanwhile (wrk) are counted here, not in /proc.
        waited = (children.ru_utime + children.ru_stime) - (self.children.ru_utime + self.children.ru_stime)
        others = max(0.0, busy / self.ticks_per_s - spent["ours"] - waited)
        self.others_share = others / (elapsed * (os.cpu_count() or 1)) if elapsed else 0.0
        self.web_cpu_s = spent["web"]
        self.db_cpu_s = spent["db"]
        self.senders_cpu_s = spent["senders"]
        # Everything this run used: ours (this process and its threads included) and the load
        # generator, the others' share left out.
        self.ours_cpu_s = busy / self.ticks_per_s - others
        return False


class MailCounter:
    """An aiosmtpd handler that counts accepted messages, and messages to someone mailed before.

    It advertises PIPELINING, as the mail servers a deployment sends to do (Postfix, Exim, the
    providers' relays): the senders then send MAIL FROM, RCPT TO and DATA in one round trip.
    """

    def __init__(self):
        self.count = 0
        self.duplicates = 0
        self.last_at = 0.0
        # Wall-clock time each recipient's first message was accepted (for the mail latency).
        self.accepted_at: dict[str, float] = {}
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.count += 1
            self.last_at = time.monotonic()
            now = time.time()
            for recipient in envelope.rcpt_tos:
                if recipient in self._seen:
                    self.duplicates += 1
                self._seen.add(recipient)
                self.accepted_at.setdefault(recipient, now)
        return "250 Message accepted for delivery"

    def reset(self):
        with self._lock:
            self.count = 0
            self.duplicates = 0
            self.last_at = 0.0


def machine() -> dict:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory_gb = 0.0
    with contextlib.suppress(OSError, ValueError):
        memory_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    return {
        "nproc": os.cpu_count(),
        "cpu": model or platform.processor(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "kernel": platform.release(),
    }
