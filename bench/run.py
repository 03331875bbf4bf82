#!/usr/bin/env python3
"""Measures the release app against the empty Tauri 2 window (bench/empty-window) in one
run and rewrites the generated part of docs/benchmarks.md. Measurement only: a missed
target is reported, never a failure. Standard library only.

    python3 bench/run.py [--runs N] [--quick] [--out FILE]

`make bench` builds the binaries first. The driver re-executes itself under
`dbus-run-session` (a private session bus), then starts Xvfb and dunst on it the way
scripts/e2e.sh does, and stops everything it started on exit.

Measurements (each app and fixture alike, in the same run):
  start-up  spawn -> the `ready_ms` line on stdout, with WORKTOGETHER_EXIT_WHEN_READY=1 and
            a fresh empty data directory; one warm-up each, then N runs alternating.
  memory    total PSS (smaps_rollup) of the process tree 30 s after start, window shown;
            the app has a running session (seeded with the seed_session example).
  CPU       user+system time of the process tree over 60 s after a 10 s settle, window
            hidden (WORKTOGETHER_HIDDEN=1); the app has a running session.
"""

import argparse
import datetime
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = "<!-- Everything below this line is written by bench/run.py (`make bench`). -->"
CLK_TCK = os.sysconf("SC_CLK_TCK")
TARGETS = {"start": 1.10, "memory": 1.15}
CPU_TARGET_S_PER_MIN = 0.2


def log(msg):
    print(f"bench: {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------
# Process trees from /proc


def read_stat(pid):
    """(comm, ppid, utime+stime+cutime+cstime in ticks) of a process, or None if gone."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may contain spaces and parentheses: split at the last ')'.
    comm = data[data.index("(") + 1 : data.rindex(")")]
    fields = data[data.rindex(")") + 2 :].split()
    # fields[0] is field 3 (state); utime..cstime are fields 14..17.
    ppid = int(fields[1])
    ticks = sum(int(f) for f in fields[11:15])
    return comm, ppid, ticks


def tree(root_pid):
    """The process and all its descendants: {pid: (comm, ticks)}."""
    procs = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            st = read_stat(int(entry))
            if st:
                procs[int(entry)] = st
    children = {}
    for pid, (_, ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = {}, [root_pid]
    while todo:
        pid = todo.pop()
        if pid in procs:
            out[pid] = (procs[pid][0], procs[pid][2])
            todo.extend(children.get(pid, []))
    return out


def pss_kib(pid):
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    m = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else 0


def threads_of(pid):
    """{tid: (thread name, ns on CPU, voluntary context switches)} for each live thread.

    schedstat's run time is in nanoseconds, so a thread's share is exact where the ticks of
    /proc/<pid>/stat round to 10 ms; voluntary switches count how often it went to sleep,
    i.e. its wake-ups."""
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        base = f"/proc/{pid}/task/{tid}"
        try:
            comm = Path(f"{base}/comm").read_text().strip()
            run_ns = int(Path(f"{base}/schedstat").read_text().split()[0])
            status = Path(f"{base}/status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        m = re.search(r"^voluntary_ctxt_switches:\s+(\d+)", status, re.M)
        out[int(tid)] = (re.sub(r"\d+$", "#", comm), run_ns, int(m.group(1)) if m else 0)
    return out


# ---------------------------------------------------------------------------------------
# Launching the subjects


class Subject:
    def __init__(self, name, binary, seeds_session):
        self.name, self.binary, self.seeds_session = name, binary, seeds_session


class Launch:
    """One run of a subject in its own process group, stopped (with its tree) by stop()."""

    def __init__(self, subject, workdir, env_extra, seed_tool=None):
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"{subject.name}-", dir=workdir))
        if subject.seeds_session and seed_tool:
            subprocess.run([str(seed_tool), str(self.data_dir)], check=True, stdout=subprocess.DEVNULL)
        env = dict(os.environ, WORKTOGETHER_DATA_DIR=str(self.data_dir), **env_extra)
        self.stderr = open(self.data_dir / "stderr.log", "wb")
        self.ready_at = None
        self.ready_ms = None
        self._ready = threading.Event()
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(
            [str(subject.binary)],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            start_new_session=True,
        )
        threading.Thread(target=self._read_stdout, daemon=True).start()

    def _read_stdout(self):
        for line in self.proc.stdout:
            if line.startswith(b"ready_ms ") and not self._ready.is_set():
                self.ready_at = time.monotonic()
                self.ready_ms = int(line.split()[1])
                self._ready.set()
        self._ready.set()

    def wait_ready(self, timeout):
        self._ready.wait(timeout)
        return self.ready_at

    def stop(self):
        pgid = self.proc.pid  # start_new_session: the group is ours alone
        for sig, grace in ((signal.SIGTERM, 5), (signal.SIGKILL, 5)):
            if self.proc.poll() is not None and not self._group_alive(pgid):
                break
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self.stderr.close()
        shutil.rmtree(self.data_dir, ignore_errors=True)

    @staticmethod
    def _group_alive(pgid):
        try:
            os.killpg(pgid, 0)
            return True
        except ProcessLookupError:
            return False


def measure_startup(subjects, workdir, runs):
    results = {s.name: {"wall": [], "ready": [], "failed": 0} for s in subjects}
    order = [(s, True) for s in subjects]  # one warm-up each
    for i in range(runs):
        order += [(s, False) for s in (subjects if i % 2 == 0 else subjects[::-1])]
    for n, (subject, warmup) in enumerate(order, 1):
        launch = Launch(subject, workdir, {"WORKTOGETHER_EXIT_WHEN_READY": "1"})
        ready_at = launch.wait_ready(60)
        try:
            launch.proc.wait(20)
        except subprocess.TimeoutExpired:
            pass
        launch.stop()
        label = "warm-up" if warmup else f"{n - len(subjects)}/{2 * runs}"
        if ready_at is None or launch.ready_ms is None:
            log(f"start-up {label} {subject.name}: no ready_ms within 60 s")
            if not warmup:
                results[subject.name]["failed"] += 1
            continue
        wall = (ready_at - launch.t0) * 1000
        log(f"start-up {label} {subject.name}: {wall:.0f} ms to ready (ready_ms {launch.ready_ms})")
        if not warmup:
            results[subject.name]["wall"].append(wall)
            results[subject.name]["ready"].append(launch.ready_ms)
    return results


def measure_memory(subject, workdir, seed_tool, after_s):
    launch = Launch(subject, workdir, {}, seed_tool)
    try:
        time.sleep(after_s)
        procs = tree(launch.proc.pid)
        by_comm = {}
        for pid, (comm, _) in procs.items():
            by_comm[comm] = by_comm.get(comm, 0) + pss_kib(pid)
        total = sum(by_comm.values())
        # PSS splits shared pages among all the processes that map them: WebKit processes
        # of other programs (e.g. e2e tests running meanwhile) make this figure smaller.
        foreign = 0
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) not in procs:
                st = read_stat(int(entry))
                foreign += bool(st and st[0].startswith("WebKit"))
        log(f"memory {subject.name}: {total / 1024:.1f} MiB PSS in {len(procs)} processes {by_comm}")
        return {
            "total_kib": total,
            "by_comm": by_comm,
            "alive": launch.proc.poll() is None,
            "foreign_webkit": foreign,
            "loadavg": Path("/proc/loadavg").read_text().split()[0],
        }
    finally:
        launch.stop()


def measure_cpu(subject, workdir, seed_tool, settle_s, window_s):
    launch = Launch(subject, workdir, {"WORKTOGETHER_HIDDEN": "1"}, seed_tool)
    try:
        time.sleep(settle_s)

        def sample():
            procs = tree(launch.proc.pid)
            threads = {}
            for pid, (comm, _) in procs.items():
                for tid, (tcomm, ns, sw) in threads_of(pid).items():
                    threads[tid] = (f"{comm} / {tcomm}", ns, sw)
            return time.monotonic(), procs, threads

        t_a, procs_a, thr_a = sample()
        time.sleep(window_s)
        t_b, procs_b, thr_b = sample()
        elapsed = t_b - t_a
        # Ticks of the whole tree (exited threads included; a process born during the window
        # counts from zero, one that ended within it is lost).
        by_comm = {}
        for pid, (comm, ticks) in procs_b.items():
            d = ticks - procs_a.get(pid, (comm, 0))[1]
            by_comm[comm] = by_comm.get(comm, 0) + d
        total_ticks = sum(by_comm.values())
        per_min = total_ticks / CLK_TCK * 60 / elapsed
        # Threads alive at the end, named by process / thread (digits merged).
        threads, wakes = {}, {}
        for tid, (name, ns, sw) in thr_b.items():
            _, ns_a, sw_a = thr_a.get(tid, (name, 0, 0))
            threads[name] = threads.get(name, 0) + (ns - ns_a)
            wakes[name] = wakes.get(name, 0) + (sw - sw_a)
        wakeups = sum(wakes.values()) / elapsed
        threads = dict(sorted(threads.items(), key=lambda kv: -kv[1]))
        log(
            f"cpu {subject.name}: {per_min:.3f} s/min over {elapsed:.0f} s, {wakeups:.0f} context switches/s; "
            f"by process {by_comm}"
        )
        return {
            "s_per_min": per_min,
            "by_comm": {k: v / CLK_TCK * 60 / elapsed for k, v in by_comm.items()},
            "threads": {
                k: (v / 1e9 * 60 / elapsed, wakes[k] / elapsed) for k, v in threads.items() if v > 0 or wakes[k] > 0
            },
            "switches_per_s": wakeups,
            "alive": launch.proc.poll() is None,
        }
    finally:
        launch.stop()


# ---------------------------------------------------------------------------------------
# The environment: private bus (dbus-run-session), Xvfb, dunst


class Services:
    def __init__(self, art):
        self.art, self.procs = art, []

    def start(self):
        runtime = self.art / "runtime"
        shutil.rmtree(runtime, ignore_errors=True)
        runtime.mkdir(parents=True)
        runtime.chmod(0o700)
        for var, sub in (("XDG_CONFIG_HOME", "config"), ("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache")):
            (self.art / sub).mkdir(parents=True, exist_ok=True)
            os.environ[var] = str(self.art / sub)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)
        (self.art / "config" / "dunst").mkdir(exist_ok=True)
        # The app's language follows the locale; as in the e2e tests, English.
        os.environ.pop("LC_ALL", None)
        os.environ.pop("LC_MESSAGES", None)
        os.environ.update(LANG="en_US.UTF-8", LANGUAGE="en")

        # Xvfb picks a free display itself and writes its number to the pipe (-displayfd).
        r, w = os.pipe()
        xlog = open(self.art / "xvfb.log", "wb")
        self.procs.append(
            subprocess.Popen(
                ["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                pass_fds=(w,),
                stdout=xlog,
                stderr=xlog,
            )
        )
        os.close(w)
        with os.fdopen(r) as f:
            display = f.readline().strip()
        if not display:
            raise SystemExit("bench: Xvfb did not report a display")
        os.environ["DISPLAY"] = f":{display}"
        self._wait(20, "Xvfb", ["xdpyinfo"])
        log(f"Xvfb on :{display}, session bus {os.environ.get('DBUS_SESSION_BUS_ADDRESS')}")

        dlog = open(self.art / "dunst.log", "wb")
        self.procs.append(subprocess.Popen(["dunst"], stdout=dlog, stderr=dlog))
        self._wait(
            20,
            "dunst to own org.freedesktop.Notifications",
            [
                "sh",
                "-c",
                "dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus "
                "org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications | grep -q 'boolean true'",
            ],
        )
        log("dunst owns org.freedesktop.Notifications")

    @staticmethod
    def _wait(secs, what, cmd):
        deadline = time.monotonic() + secs
        while subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode != 0:
            if time.monotonic() > deadline:
                raise SystemExit(f"bench: timed out after {secs}s waiting for {what}")
            time.sleep(0.2)

    def stop(self):
        for p in reversed(self.procs):
            p.terminate()
        for p in reversed(self.procs):
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()


# ---------------------------------------------------------------------------------------
# The report


def cmd_out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def machine():
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kib = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    dirty = cmd_out(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"])
    commit = cmd_out(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"])
    return {
        "CPU": cpu,
        "Cores": str(os.cpu_count()),
        "Memory": f"{mem_kib / 1024 / 1024:.1f} GiB",
        "Kernel": f"{platform.system()} {platform.release()}",
        "OS": cmd_out(["sh", "-c", ". /etc/os-release && echo \"$PRETTY_NAME\""]),
        "rustc": cmd_out(["rustc", "-V"]),
        "WebKitGTK": cmd_out(["pkg-config", "--modversion", "webkit2gtk-4.1"]),
        "Commit": commit + (" (with uncommitted changes)" if dirty and dirty != "?" else ""),
        "Date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }


class Ratio(float):
    """a ÷ b, formatted with "×", or "–" where b is zero or missing."""

    def __format__(self, spec):
        return "–" if self != self else float.__format__(self, spec) + "×"


def ratio(a, b):
    return Ratio(a / b if b else float("nan"))


def verdict(ok):
    return "met" if ok else "**missed**"


def render(info, args, startup, memory, cpu):
    app_s, fix_s = startup["app"], startup["empty window"]
    lines = [MARKER, "", "## Latest run", ""]
    lines += ["| Machine | |", "| --- | --- |"]
    lines += [f"| {k} | {v} |" for k, v in info.items()]
    lines += [""]

    def med(xs):
        return statistics.median(xs) if xs else float("nan")

    def mn(xs):
        return min(xs) if xs else float("nan")

    start_r = ratio(med(app_s["wall"]), med(fix_s["wall"]))
    mem_r = ratio(memory["app"]["total_kib"], memory["empty window"]["total_kib"])
    cpu_app, cpu_fix = cpu["app"]["s_per_min"], cpu["empty window"]["s_per_min"]
    cpu_r = ratio(cpu_app, cpu_fix)

    lines += [
        "| Figure | App | Empty window | App ÷ empty | Target | |",
        "| --- | ---: | ---: | ---: | --- | --- |",
        f"| Start-up, spawn → ready, median of {args.runs} (ms) | {med(app_s['wall']):.0f} | "
        f"{med(fix_s['wall']):.0f} | {start_r:.2f} | ≤ {TARGETS['start']:.2f}× | {verdict(start_r <= TARGETS['start'])} |",
        f"| Start-up, spawn → ready, min (ms) | {mn(app_s['wall']):.0f} | {mn(fix_s['wall']):.0f} | "
        f"{ratio(mn(app_s['wall']), mn(fix_s['wall'])):.2f} | | |",
        f"| Start-up, own `ready_ms`, median (ms) | {med(app_s['ready']):.0f} | {med(fix_s['ready']):.0f} | "
        f"{ratio(med(app_s['ready']), med(fix_s['ready'])):.2f} | | |",
        f"| Memory, PSS of the process tree at {args.mem_after} s (MiB) | "
        f"{memory['app']['total_kib'] / 1024:.1f} | {memory['empty window']['total_kib'] / 1024:.1f} | "
        f"{mem_r:.2f} | ≤ {TARGETS['memory']:.2f}× | {verdict(mem_r <= TARGETS['memory'])} |",
        f"| CPU, window hidden, session running (s per min) | {cpu_app:.3f} | {cpu_fix:.3f} | {cpu_r:.2f} | "
        f"< {CPU_TARGET_S_PER_MIN} s/min (app) | {verdict(cpu_app < CPU_TARGET_S_PER_MIN)} |",
        f"| Wake-ups of the tree while hidden (voluntary context switches per s) | {cpu['app']['switches_per_s']:.1f} | "
        f"{cpu['empty window']['switches_per_s']:.1f} | {ratio(cpu['app']['switches_per_s'], cpu['empty window']['switches_per_s']):.2f} | | |",
        "",
    ]
    failed = {k: v["failed"] for k, v in startup.items() if v["failed"]}
    if failed:
        lines += [f"Start-up runs without a `ready_ms` line within 60 s: {failed}.", ""]
    lines += [
        "While the memory figures were taken: "
        + "; ".join(
            f"{name}: {res['foreign_webkit']} WebKit processes of other programs running, load average {res['loadavg']}"
            for name, res in memory.items()
        )
        + " (other WebKit processes share library pages and lower the PSS; load slows start-up).",
        "",
    ]
    for name, res in list(memory.items()) + list(cpu.items()):
        if not res["alive"]:
            lines += [f"Note: the {name} had exited before its measurement ended; its figures are not valid.", ""]

    lines += ["### Breakdown by process", ""]
    lines += ["| Process | App PSS (MiB) | Empty PSS (MiB) | App CPU (s/min) | Empty CPU (s/min) |"]
    lines += ["| --- | ---: | ---: | ---: | ---: |"]
    names = sorted(
        set(memory["app"]["by_comm"]) | set(memory["empty window"]["by_comm"])
        | set(cpu["app"]["by_comm"]) | set(cpu["empty window"]["by_comm"])
    )
    for n in names:
        def mib(d):
            return f"{d[n] / 1024:.1f}" if n in d else "–"

        def spm(d):
            return f"{d[n]:.3f}" if n in d else "–"

        lines.append(
            f"| `{n}` | {mib(memory['app']['by_comm'])} | {mib(memory['empty window']['by_comm'])} | "
            f"{spm(cpu['app']['by_comm'])} | {spm(cpu['empty window']['by_comm'])} |"
        )
    lines += [""]

    lines += ["### Busiest threads while hidden", ""]
    lines += [
        "| App: process / thread | CPU (s/min) | Wake-ups (/s) | Empty window: process / thread | CPU (s/min) | Wake-ups (/s) |",
        "| --- | ---: | ---: | --- | ---: | ---: |",
    ]
    a = list(cpu["app"]["threads"].items())[:10]
    b = list(cpu["empty window"]["threads"].items())[:10]
    for i in range(max(len(a), len(b))):
        ca = f"`{a[i][0]}` | {a[i][1][0]:.3f} | {a[i][1][1]:.1f}" if i < len(a) else " | | "
        cb = f"`{b[i][0]}` | {b[i][1][0]:.3f} | {b[i][1][1]:.1f}" if i < len(b) else " | | "
        lines.append(f"| {ca} | {cb} |")
    lines += [""]
    lines += [
        f"Start-up: {args.runs} runs each after one warm-up each, alternating. "
        f"Memory: one run each. CPU: one run each, {args.cpu_settle} s settle then {args.cpu_window} s. "
        "The CPU figure counts ticks of 10 ms (±0.01 s/min over 60 s); the thread table uses the "
        "kernel's nanosecond run times of the threads alive at the end (names ending in digits merged as `#`).",
        "",
    ]
    return "\n".join(lines)


def write_report(out, generated):
    text = out.read_text() if out.exists() else "# Benchmarks\n"
    intro = text.split(MARKER, 1)[0].rstrip() + "\n\n"
    out.write_text(intro + generated)
    log(f"wrote {out}")


# ---------------------------------------------------------------------------------------


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--app", default=ROOT / "target/release/worktogether", type=Path)
    p.add_argument("--fixture", default=ROOT / "target/release/worktogether-empty-window", type=Path)
    p.add_argument("--seed", default=ROOT / "target/release/examples/seed_session", type=Path)
    p.add_argument("--out", default=ROOT / "docs/benchmarks.md", type=Path)
    p.add_argument("--runs", default=20, type=int, help="start-up runs of each (after one warm-up each)")
    p.add_argument("--mem-after", default=30, type=int)
    p.add_argument("--cpu-settle", default=10, type=int)
    p.add_argument("--cpu-window", default=60, type=int)
    p.add_argument("--quick", action="store_true", help="a short trial run; writes nothing unless --out is given")
    p.add_argument("--startup-only", action="store_true", help="measure start-up only and print it; writes nothing")
    args = p.parse_args()

    if os.environ.get("WORKTOGETHER_BENCH_SESSION") != "1":
        # A private session bus for the whole run; it ends when the driver does.
        os.environ["WORKTOGETHER_BENCH_SESSION"] = "1"
        os.execvp("dbus-run-session", ["dbus-run-session", "--", sys.executable, *sys.argv])

    if args.quick:
        args.runs, args.mem_after, args.cpu_settle, args.cpu_window = 2, 5, 2, 5
        if "--out" not in sys.argv:
            args.out = None
    for b in (args.app, args.fixture, args.seed):
        if not b.is_file():
            raise SystemExit(f"bench: {b} is missing; `make bench` builds it")

    art = ROOT / "artifacts" / "bench"
    art.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="runs-", dir=art))
    services = Services(art)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        services.start()
        subjects = [Subject("app", args.app, True), Subject("empty window", args.fixture, False)]
        log(f"start-up: {args.runs} runs each")
        startup = measure_startup(subjects, workdir, args.runs)
        if args.startup_only:
            for name, r in startup.items():
                wall = sorted(r["wall"])
                log(f"{name}: median {statistics.median(wall):.0f} ms, min {wall[0]:.0f} ms ({len(wall)} runs)")
            app, floor = (statistics.median(startup[s.name]["wall"]) for s in subjects)
            log(f"app ÷ empty window: {app / floor:.2f}×")
            return
        memory, cpu = {}, {}
        for s in subjects:
            log(f"memory: {s.name}, {args.mem_after} s")
            memory[s.name] = measure_memory(s, workdir, args.seed, args.mem_after)
        for s in subjects:
            log(f"cpu: {s.name}, {args.cpu_settle} s settle + {args.cpu_window} s")
            cpu[s.name] = measure_cpu(s, workdir, args.seed, args.cpu_settle, args.cpu_window)
        generated = render(machine(), args, startup, memory, cpu)
        if args.out:
            write_report(args.out, generated)
        else:
            print(generated)
    finally:
        services.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
