"""Profiles the gunicorn workers with py-spy while a load runs: `make profile` (bench/run.py --profile),
or the Celery worker running the outbox senders while they send (bench/run.py --mail --profile).

py-spy samples the running workers from outside (no code change, little overhead), so the profile
is of the server as deployed, under the bench's surge. It writes, under bench/profile/:
  <name>.collapsed    the raw samples, one stack per line ("frame;frame;... count"), for any tool
                      that reads Brendan Gregg's folded format: drop it on https://www.speedscope.app
                      for a flame graph;
  <name>-top.txt      the functions that take the time, by own time and by time including callees.
"""

import shutil
import subprocess
from collections import Counter
from pathlib import Path

from bench.system import BenchError, say

PROFILE_DIR = Path(__file__).resolve().parent / "profile"
RATE = 250  # samples per second per worker
TOP = 40
# The server's frames every request runs through: left out of the list by time including callees.
WRAPPERS = ("process ", "_run_", "<module> (gunicorn", "Arbiter.", "BaseApplication.", "Application.")
WRAPPERS += ("run (gunicorn", "Worker.", "SyncWorker.run", "SyncWorker.accept", "SyncWorker.handle ")
# Frames outside the request (the worker waiting for one) are not the signing path's cost.
IDLE = ("wait (selectors.py", "select (selectors.py", "accept (socket.py", "sleep (gunicorn")
# The functions whose direct callees are listed one by one: the signing view and its service.
FOCUS = ("statement (petitions/views.py)", "sign (petitions/services.py)")
# The same for the outbox senders: a batch, and one message of it.
MAIL_FOCUS = ("send_batch (outbox/sender.py)", "_send_one (outbox/sender.py)")
# Celery's frames every task runs through.
MAIL_WRAPPERS = ("<module> (", "main (", "start (celery", "run (celery", "trace_task", "_fast_trace_task")
MAIL_WRAPPERS += ("workloop (billiard", "Worker.", "__call__ (celery", "_main (", "Pool.", "PoolWorker.")
MAIL_WRAPPERS += ("send_outbox (outbox/tasks.py)", "run (outbox/sender.py)", "execute (celery")


class Profiler:
    """py-spy recording the given processes (and their children) for as long as the block runs."""

    def __init__(self, name: str, pid: int, *, what: str = "gunicorn worker during the signing surge"):
        self.name = name
        self.pid = pid
        self.what = what
        self.process: subprocess.Popen | None = None
        PROFILE_DIR.mkdir(exist_ok=True)
        self.collapsed = PROFILE_DIR / f"{name}.collapsed"

    def __enter__(self):
        py_spy = shutil.which("py-spy") or str(Path(__import__("sys").executable).with_name("py-spy"))
        if not Path(py_spy).exists():
            raise BenchError("py-spy is not installed (pip install -r requirements-dev.txt)")
        self.process = subprocess.Popen(
            [
                py_spy, "record", "--pid", str(self.pid), "--subprocesses", "--rate", str(RATE),
                "--format", "raw", "--output", str(self.collapsed), "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )  # fmt: skip
        return self

    def __exit__(self, *exc):
        assert self.process is not None
        self.process.send_signal(2)  # SIGINT: py-spy writes its output and exits
        try:
            _, err = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise BenchError("py-spy did not stop") from None
        if not self.collapsed.exists():
            raise BenchError(f"py-spy wrote no profile: {err.decode(errors='replace')[-500:]}")
        write_reports(self.name, self.collapsed, what=self.what)


def _frames(line: str) -> tuple[list[str], int]:
    stack, _, count = line.rstrip("\n").rpartition(" ")
    frames = stack.split(";")
    # py-spy starts each stack with "process <pid>:..." when recording subprocesses.
    if frames and frames[0].startswith("process "):
        frames = frames[1:]
    return frames, int(count)


def _short(frame: str) -> str:
    # "function (path/to/module.py:123)" -> "function (module.py)": one line per function, not per line.
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "/lean/", "/main/", "/work/"):
        if marker in path:
            path = path.split(marker, 1)[1]
    return f"{name} ({path})"


def write_reports(
    name: str, collapsed: Path, *, what: str = "gunicorn worker during the signing surge"
) -> None:
    mail = "outbox" in what
    focus_frames, wrappers = (MAIL_FOCUS, MAIL_WRAPPERS) if mail else (FOCUS, WRAPPERS)
    own, inclusive = Counter(), Counter()
    callees = {focus: Counter() for focus in focus_frames}
    busy = idle = 0
    for line in collapsed.read_text().splitlines():
        if not line.strip():
            continue
        frames, count = _frames(line)
        if mail and not any(frame.startswith("send_batch (") for frame in frames):
            idle += count
            continue
        if any(marker in frame for frame in frames[-2:] for marker in IDLE):
            idle += count
            continue
        busy += count
        shortened = [_short(frame) for frame in frames]
        own[shortened[-1]] += count
        for i, frame in enumerate(shortened[:-1]):
            if frame in callees:
                callees[frame][shortened[i + 1]] += count
        for frame in set(shortened):
            if not frame.startswith(wrappers):
                inclusive[frame] += count
    if not busy:
        raise BenchError("the profile has no busy samples")
    lines = [
        f"py-spy, {RATE} samples/s per gunicorn worker during the signing surge: {busy:,} busy samples "
        f"({idle:,} idle ones, waiting for a request, left out). Wall time: a worker waiting for PostgreSQL",
        "or Redis counts as busy. Regenerate with `make profile`; the raw stacks are in the .collapsed file.",
        "",
    ]
    if mail:
        lines[:3] = [
            f"py-spy, {RATE} samples/s per {what}: {busy:,} samples in a batch (send_batch),",
            f"{idle:,} outside one (polling, Celery) left out. Wall time: a sender waiting for PostgreSQL or",
            "the SMTP server counts. Regenerate with `python bench/run.py --mail --profile`.",
        ]
    for focus, counts in callees.items():
        lines += [f"What {focus} calls, by time including callees:"]
        lines += [f"{100 * n / busy:6.1f} %  {frame}" for frame, n in counts.most_common(15)]
        lines += [""]
    lines += [f"By time including callees (top {TOP}):"]
    lines += [f"{100 * n / busy:6.1f} %  {frame}" for frame, n in inclusive.most_common(TOP)]
    lines += ["", f"By own time (top {TOP}):"]
    lines += [f"{100 * n / busy:6.1f} %  {frame}" for frame, n in own.most_common(TOP)]
    top = PROFILE_DIR / f"{name}-top.txt"
    top.write_text("\n".join(lines) + "\n")
    say(f"profile written to {top.relative_to(PROFILE_DIR.parent.parent)} and {collapsed.name}")
