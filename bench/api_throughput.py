"""End-to-end write throughput and latency of the openpsap HTTP API, against the real server.

Per database (SQLite in a temp folder; PostgreSQL database `openpsap_bench` on 127.0.0.1, schema
dropped first): seed a fresh roster through the package's command API (one agency, one station,
`--units` medics, one dispatcher), start `python -m openpsap serve` on 127.0.0.1, log in over HTTP,
then run `--clients` asyncio+httpx clients for `--seconds`. Each client owns its units (clients never
compete for one) and loops: POST /incidents -> /incidents/{id}/dispatch -> /units/{u}/status EnRoute
-> OnScene -> InService -> /incidents/{id}/close, with an Idempotency-Key (uuid4) on a fraction
`--idem` of the commands (default 1.0: all, as a console that retries safely would). Closed loop
(next command when the last one answered) unless `--rate` paces the clients to a total commands/s.
One untimed warm-up cycle per client runs first.

JSON on stdout (progress on stderr), per database: events/s (GET /health last_seq before/after),
commands/s, cycles, p50/p99/max ms per command and overall (successful commands, send to full
response), errors (non-2xx or transport, sample bodies), CPU seconds of the server, of the load
generator and of the rest of the machine (the load generator shares the machine's cores with the
server), and the target check: >= 1000 events/s and p99 < 50 ms at 50 clients on SQLite.
`--profile` attaches `py-spy record --gil` to the server for the timed window (without py-spy: the
server runs under cProfile, main thread only), saves it under bench/results/, prints hot spots.

`--load-generator wrk` drives the same cycle with Debian's `wrk` and bench/wrk_cycle.lua instead (one thread and one
connection per client, written in C: it is not the limit, as the Python clients on the same 2 cores are); wrk
measures latency over all commands. `--floor` measures, in the same run and under the same load generator, the floor
of the stack (bench/write_floor.py: a minimal FastAPI route committing two event rows to the same kind of database)
and reports openpsap's commands/s as a share of it.

    .venv/bin/python bench/api_throughput.py --db both --clients 50 --seconds 20
    .venv/bin/python bench/api_throughput.py --db sqlite --load-generator wrk --floor --seconds 15
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import platform
import random
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import uvloop  # installed with uvicorn[standard], a dependency of openpsap

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/openpsap_bench"
USER, PASSWORD = "bench-dispatcher", "bench-password-123"
COMMANDS = ["create", "dispatch", "enroute", "onscene", "inservice", "close"]
TARGET_EVENTS_PER_S, TARGET_P99_MS, TARGET_CLIENTS = 1000, 50.0, 50
TICK = os.sysconf("SC_CLK_TCK")
PY_SPY = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
WRK = shutil.which("wrk")


def log(msg: str) -> None:
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def reset_postgres(url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    u = make_url(url)
    if u.host != "127.0.0.1":
        raise SystemExit("--pg-url must point at 127.0.0.1")
    plain = u.set(drivername="postgresql")
    with psycopg.connect(plain.set(database="postgres").render_as_string(False), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (u.database,)).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{u.database}"')
    with psycopg.connect(plain.render_as_string(False), autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def seed(url: str, units: list[str]) -> None:
    """Migrate, then add the roster and the dispatcher through the package's command API."""
    from openpsap.auth import service as auth_service
    from openpsap.eventlog.unit_of_work import CommandRunner
    from openpsap.db import Database
    from openpsap.migrate import upgrade
    from openpsap.stations import service as stations
    from openpsap.units import service as unit_service

    upgrade(url)
    db = Database(url)
    try:
        with CommandRunner(db).unit_of_work(actor="bench-setup") as uow:
            stations.add_agency(uow, agency_id="FD", name="Bench Fire Department", discipline="fire")
            stations.add_station(uow, station_id="FS01", name="Bench Station", agency_id="FD", lat=37.7811, lon=-122.4043)
            for unit_id in units:
                unit_service.add(uow, unit_id=unit_id, unit_type="MEDIC", capabilities=["als", "transport"],
                                 agency_id="FD", home_station_id="FS01")
            auth_service.add_user(uow, username=USER, password=PASSWORD, roles=["dispatcher"])
    finally:
        db.dispose()


def app_factory():  # noqa: ANN201 - for `uvicorn --factory` (--workers > 1); settings from OPENPSAP_* env
    from openpsap.app import create_app
    from openpsap.config import Settings

    return create_app(Settings())


def start_server(url: str, port: int, workdir: Path, workers: int, cprofile_out: Path | None) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "openpsap", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--database-url", url, "--data-dir", str(workdir), "--log-level", "warning"]
    if workers > 1:  # the CLI has no --workers: uvicorn directly on a factory (the schema is already migrated)
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench.api_throughput:app_factory", "--app-dir", str(ROOT),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers), "--log-level", "warning"]
    if cprofile_out is not None:
        cmd = [cmd[0], "-m", "cProfile", "-o", str(cprofile_out), *cmd[1:]]
    env = {**os.environ, "OPENPSAP_DATABASE_URL": url, "OPENPSAP_DATA_DIR": str(workdir)}
    out = open(workdir / "server.log", "wb")  # noqa: SIM115 - lives as long as the server
    return subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)


def wait_ready(proc: subprocess.Popen, base: str, workdir: Path) -> None:
    for _ in range(300):  # 60 s
        if proc.poll() is not None:
            raise RuntimeError(f"server exited ({proc.returncode}):\n{(workdir / 'server.log').read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/health", timeout=1, trust_env=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("server did not answer /health within 60 s")


def stop(proc: subprocess.Popen) -> None:
    """SIGINT (uvicorn shuts down, py-spy and cProfile write their file), then kill its process group."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # the session we started it in: the server and its workers
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def cpu_seconds(pid: int) -> tuple[float, float]:
    """(user, system) CPU seconds of a process (all threads) and its child processes (uvicorn workers)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return 0.0, 0.0
    sub = [cpu_seconds(int(c)) for c in children]
    return int(fields[11]) / TICK + sum(u for u, _ in sub), int(fields[12]) / TICK + sum(s for _, s in sub)


def machine_busy_seconds() -> float:
    """CPU seconds all cores spent not idle (from /proc/stat)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, Path("/proc/stat").read_text().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / TICK


class Stats:
    def __init__(self) -> None:
        self.latency: dict[str, list[float]] = {c: [] for c in COMMANDS}
        self.errors: collections.Counter[str] = collections.Counter()
        self.samples: list[dict] = []
        self.cycles = 0

    def error(self, command: str, status: int | str, body: str) -> None:
        self.errors[f"{command} {status}"] += 1
        if len(self.samples) < 8:
            self.samples.append({"command": command, "status": status, "body": body[:300]})


async def client(http: httpx.AsyncClient, units: list[str], stop_at: float, max_cycles: int, interval: float,
                 idem: float, rng: random.Random, stats: Stats) -> None:
    next_at = time.perf_counter() + rng.random() * interval

    async def post(command: str, path: str, body: dict) -> httpx.Response | None:
        nonlocal next_at
        if interval:  # paced: wait for this client's next slot (no catching up in bursts)
            await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
            next_at = max(next_at + interval, time.perf_counter())
        if time.perf_counter() >= stop_at:
            return None
        headers = {"Idempotency-Key": str(uuid.uuid4())} if rng.random() < idem else None
        t0 = time.perf_counter()
        try:
            r = await http.post(path, json=body, headers=headers)
        except httpx.HTTPError as exc:
            stats.error(command, type(exc).__name__, repr(exc))
            return None
        if r.is_success:
            stats.latency[command].append((time.perf_counter() - t0) * 1000)
            return r
        stats.error(command, r.status_code, r.text)
        return None

    for n in range(max_cycles):
        unit = units[n % len(units)]
        location = {"lat": round(37.71 + rng.random() * 0.09, 5), "lon": round(-122.50 + rng.random() * 0.12, 5)}
        r = await post("create", "/incidents", {"incident_type": "CARDIAC", "priority": "P1", "location": location})
        if r is None:
            if time.perf_counter() >= stop_at:
                return
            continue
        inc = r.json()["id"]
        steps = [("dispatch", f"/incidents/{inc}/dispatch", {"units": [unit]})]
        steps += [(s.lower(), f"/units/{unit}/status", {"status": s}) for s in ("EnRoute", "OnScene", "InService")]
        steps.append(("close", f"/incidents/{inc}/close", {"disposition": "18", "outcome": "bench"}))
        for command, path, body in steps:
            if await post(command, path, body) is None:
                break  # a failed step ends the cycle; the next cycle uses the client's next unit
        else:
            stats.cycles += 1


async def load(base: str, token: str, owned: list[list[str]], seconds: float, args: argparse.Namespace,
               on_start: Callable[[], None]) -> tuple[Stats, float]:
    headers = {"Authorization": f"Bearer {token}"}
    clients = [httpx.AsyncClient(base_url=base, headers=headers, timeout=30, trust_env=False) for _ in owned]
    interval = len(owned) / args.rate if args.rate else 0.0
    try:
        warm = Stats()
        warmups = (client(c, u, time.perf_counter() + 120, 1, 0.0, args.idem, random.Random(i), warm)
                   for i, (c, u) in enumerate(zip(clients, owned)))
        await asyncio.wait_for(asyncio.gather(*warmups), timeout=180)
        if warm.errors:
            log(f"warm-up errors: {dict(warm.errors)} {warm.samples[:2]}")
        stats = Stats()
        on_start()
        started = time.perf_counter()
        runs = (client(c, u, started + seconds, 10**9, interval, args.idem, random.Random(1000 + i), stats)
                for i, (c, u) in enumerate(zip(clients, owned)))
        await asyncio.wait_for(asyncio.gather(*runs), timeout=seconds + 90)
        return stats, time.perf_counter() - started
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))


def run_wrk(base_url: str, script: Path, clients: int, seconds: float, script_args: list[str]) -> dict:
    """wrk with one thread and one connection per client; the script prints its result as one JSON line."""
    if WRK is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk (or use --load-generator httpx)")
    cmd = [WRK, "-t", str(clients), "-c", str(clients), "-d", f"{seconds:g}s", "--timeout", "30s", "-s", str(script),
           base_url, "--", *script_args]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 120)
    line = next((x for x in run.stdout.splitlines() if x.startswith("WRK_RESULT ")), None)
    if run.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stdout[-2000:]} {run.stderr[-2000:]}")
    result = json.loads(line.removeprefix("WRK_RESULT "))
    result["elapsed_s"] = result["duration_us"] / 1e6
    return result


def measure_floor(db: str, args: argparse.Namespace) -> dict:
    """The same load on bench/write_floor.py: two event rows committed per command, nothing else."""
    with tempfile.TemporaryDirectory(prefix=f"openpsap-floor-{db}-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'floor.db'}" if db == "sqlite" else args.pg_url
        if db == "postgresql":
            reset_postgres(url)
        port = free_port()
        cmd = [sys.executable, "-m", "uvicorn", "--factory", "bench.write_floor:app_factory", "--app-dir", str(ROOT),
               "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers), "--log-level", "warning",
               "--no-access-log"]
        env = {**os.environ, "OPENPSAP_FLOOR_URL": url}
        out = open(workdir / "server.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        try:
            wait_ready(proc, f"http://127.0.0.1:{port}", workdir)
            script = workdir / "floor.lua"
            script.write_text(FLOOR_LUA)
            cpu0 = cpu_seconds(proc.pid)
            r = run_wrk(f"http://127.0.0.1:{port}", script, args.clients, args.seconds, [])
            cpu1 = cpu_seconds(proc.pid)
        finally:
            stop(proc)
    commands = r["requests"] - r["non_2xx"]
    server_cpu = sum(cpu1) - sum(cpu0)
    return {"what": "minimal FastAPI route committing two event rows (bench/write_floor.py)",
            "commands_per_s": round(commands / r["elapsed_s"], 1), "events_per_s": round(2 * commands / r["elapsed_s"], 1),
            "latency": {k: r[k] for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")},
            "errors": r["non_2xx"] + r["socket_errors"],
            "server_cpu_per_command_ms": round(1000 * server_cpu / max(commands, 1), 2)}


FLOOR_LUA = """
local n = 0
function request()
   n = n + 1
   return wrk.format("POST", "/command", {["Content-Type"] = "application/json"},
                     '{"subject_id":"B' .. n .. '","text":"on scene"}')
end
function response(status, headers, body)
   if status >= 300 then failed = (failed or 0) + 1 end
end
function done(summary, latency, requests)
   io.write(string.format('WRK_RESULT {"requests":%d,"duration_us":%d,"non_2xx":%d,"socket_errors":%d,"cycles":0,' ..
      '"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"max_ms":%.2f,"mean_ms":%.2f}\\n', summary.requests, summary.duration,
      summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.max / 1000, latency.mean / 1000))
end
"""


def summary(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    v = sorted(values)
    pct = lambda q: round(v[min(len(v) - 1, int(q * len(v)))], 2)  # noqa: E731
    return {"count": len(v), "p50_ms": pct(0.50), "p99_ms": pct(0.99), "max_ms": round(v[-1], 2),
            "mean_ms": round(sum(v) / len(v), 2)}


def profile_report(path: Path, seconds: float) -> dict:
    """Print the hot spots of a py-spy raw file (collapsed stacks, --threads --gil) to stderr."""
    if path.suffix == ".prof":
        import pstats

        pstats.Stats(str(path), stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        return {"file": str(path)}
    own, incl, pkgs, threads = (collections.Counter() for _ in range(4))
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames, n = stack.split(";"), int(count)
        total += n
        thread = next((f for f in frames if f.startswith("thread (")), "")
        threads["event loop (main thread)" if "MainThread" in thread else "worker threads"] += n
        own[frames[-1]] += n
        pkgs[frames[-1].rpartition("(")[2].split("/")[0].split(".py")[0].split(":")[0]] += n
        for name in {f.rsplit(":", 1)[0] + ")" for f in frames if not f.startswith(("thread (", "process "))}:
            incl[name] += n
    pct = lambda n: f"{100 * n / max(total, 1):5.1f}%"  # noqa: E731
    out = [f"profile {path}: GIL held in {total} samples of {int(100 * seconds)} (100 Hz x {seconds:.1f} s)"]
    out += ["GIL samples by thread:"] + [f"  {pct(n)}  {t}" for t, n in threads.most_common()]
    out += ["leaf frame by package:"] + [f"  {pct(n)}  {p}" for p, n in pkgs.most_common(12)]
    out += ["top self (leaf) frames:"] + [f"  {pct(n)}  {f}" for f, n in own.most_common(20)]
    out += ["top inclusive functions:"] + [f"  {pct(n)}  {f}" for f, n in incl.most_common(60)]
    print("\n".join(out), file=sys.stderr)
    return {"file": str(path), "gil_held_fraction": round(total / max(1, 100 * seconds), 2),
            "gil_by_thread_pct": {t: round(100 * n / max(total, 1), 1) for t, n in threads.items()},
            "leaf_by_package_pct": {p: round(100 * n / max(total, 1), 1) for p, n in pkgs.most_common(8)}}


def run_one(db: str, args: argparse.Namespace) -> dict:
    units = [f"B{i:04d}" for i in range(args.units)]
    owned = [units[i::args.clients] for i in range(args.clients)]  # disjoint sets, one per client
    stamp = time.strftime("%Y%m%d-%H%M%S")
    spy, profile_out = (PY_SPY if args.profile else None), None
    if args.profile:
        RESULTS.mkdir(parents=True, exist_ok=True)
        profile_out = RESULTS / f"profile-{db}-{stamp}.{'txt' if spy else 'prof'}"
    with tempfile.TemporaryDirectory(prefix=f"openpsap-bench-{db}-") as tmp:
        workdir = Path(tmp)
        url = f"sqlite:///{workdir / 'bench.db'}" if db == "sqlite" else args.pg_url
        if db == "postgresql":
            reset_postgres(url)
        log(f"{db}: seeding {len(units)} units and user {USER}")
        seed(url, units)
        port = free_port()
        base = f"http://127.0.0.1:{port}/api/v1"
        proc = start_server(url, port, workdir, args.workers, profile_out if args.profile and not spy else None)
        recorder: list[subprocess.Popen] = []
        try:
            wait_ready(proc, base, workdir)
            login = httpx.post(f"{base}/auth/login", json={"username": USER, "password": PASSWORD}, trust_env=False)
            login.raise_for_status()
            last_seq = lambda: httpx.get(f"{base}/health", trust_env=False).json()["last_seq"]  # noqa: E731
            before: dict = {}

            def on_start() -> None:  # after the warm-up, just before the timed window
                before.update(seq=last_seq(), server=cpu_seconds(proc.pid), loadgen=time.process_time(),
                              machine=machine_busy_seconds(), loadavg=os.getloadavg()[0])
                if spy:
                    sub = ["--subprocesses"] if args.workers > 1 else []
                    recorder.append(subprocess.Popen(
                        [spy, "record", "--gil", "--threads", "--nonblocking", *sub, "-r", "100", "-f", "raw", "-o", str(profile_out),
                         "--pid", str(proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                        start_new_session=True))

            token = login.json()["token"]
            wrk_result = None
            if args.load_generator == "wrk":
                log(f"{db}: wrk, {args.clients} threads x 1 connection for {args.seconds} s")
                on_start()
                children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
                wrk_result = run_wrk(f"http://127.0.0.1:{port}", ROOT / "bench" / "wrk_cycle.lua", args.clients,
                                     args.seconds, [token, *(",".join(u) for u in owned)])
                children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
                wrk_result["cpu_s"] = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
                stats, elapsed = Stats(), wrk_result["elapsed_s"]
                stats.cycles = wrk_result["cycles"]
            else:
                log(f"{db}: warm-up cycle per client, then {args.clients} clients for {args.seconds} s")
                stats, elapsed = uvloop.run(load(base, token, owned, args.seconds, args, on_start))
            for r in recorder:
                stop(r)
            events = last_seq() - before["seq"]
            (user, system), (user0, system0) = cpu_seconds(proc.pid), before["server"]
            server_cpu, server_system = user + system - user0 - system0, system - system0
            loadgen_cpu = time.process_time() - before["loadgen"] + (wrk_result["cpu_s"] if wrk_result else 0.0)
            machine_cpu = machine_busy_seconds() - before["machine"]
        finally:
            for p in [*recorder, proc]:
                stop(p)
            log(f"{db}: server stopped")
    profile = profile_report(profile_out, elapsed) if profile_out and profile_out.exists() else None
    all_ms = [ms for v in stats.latency.values() for ms in v]
    overall = summary(all_ms)
    commands = len(all_ms)
    if wrk_result is not None:  # wrk's own latency histogram, over every command
        commands = wrk_result["requests"] - wrk_result["non_2xx"]
        overall = {"count": commands, **{k: wrk_result[k] for k in ("p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms")}}
        stats.errors["any command non-2xx"] += wrk_result["non_2xx"]
        stats.errors["socket"] += wrk_result["socket_errors"]
        if wrk_result.get("error_sample"):
            stats.samples.append({"command": "(wrk)", "status": "", "body": wrk_result["error_sample"]})
    events_per_s = events / elapsed
    ok_events, ok_p99 = events_per_s >= TARGET_EVENTS_PER_S, overall.get("p99_ms", 1e9) < TARGET_P99_MS
    return {
        "database": db, "url": "sqlite:///<tmp>/bench.db" if db == "sqlite" else url, "clients": args.clients,
        "workers": args.workers, "seconds": args.seconds, "elapsed_s": round(elapsed, 2), "units": len(units),
        "idempotency_key_fraction": args.idem, "paced_commands_per_s": args.rate or None,
        "load_generator": args.load_generator,
        "events": events, "events_per_s": round(events_per_s, 1), "commands": commands,
        "commands_per_s": round(commands / elapsed, 1), "cycles": stats.cycles,
        "events_per_command": round(events / commands, 2) if commands else None,
        "latency": {"overall": overall, **({} if wrk_result else {c: summary(v) for c, v in stats.latency.items()})},
        "errors": sum(stats.errors.values()), "errors_by_command": {k: v for k, v in stats.errors.items() if v},
        "error_samples": stats.samples,
        "cpu_s": {"server": round(server_cpu, 1), "server_system": round(server_system, 1),
                  "load_generator": round(loadgen_cpu, 1),
                  "rest_of_machine": round(max(0.0, machine_cpu - server_cpu - loadgen_cpu), 1),
                  "machine_capacity": round(elapsed * (os.cpu_count() or 1), 1),
                  "server_per_command_ms": round(1000 * server_cpu / commands, 2) if commands else None,
                  "loadavg_1m_at_start": round(before["loadavg"], 2)},
        "profiled": bool(args.profile),
        "target": {"rule": f">= {TARGET_EVENTS_PER_S} events/s and p99 < {TARGET_P99_MS:.0f} ms at "
                           f"{TARGET_CLIENTS} clients on SQLite",
                   "applies": db == "sqlite" and args.clients == TARGET_CLIENTS and not args.profile,
                   "events_per_s_ok": ok_events, "p99_ok": ok_p99, "met": ok_events and ok_p99},
        **({"profile": profile} if profile else {}),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--seconds", type=float, default=20)
    p.add_argument("--units", type=int, default=0, help="units to seed (default and minimum: 4 per client)")
    p.add_argument("--idem", type=float, default=1.0, help="fraction of commands sent with an Idempotency-Key")
    p.add_argument("--rate", type=float, default=0, help="pace all clients to this many commands/s (0: closed loop)")
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (>1: uvicorn --factory)")
    p.add_argument("--pg-url", default=PG_URL, help="PostgreSQL URL on 127.0.0.1 (its public schema is dropped!)")
    p.add_argument("--profile", action="store_true", help="profile the server with py-spy (or cProfile)")
    p.add_argument("--load-generator", choices=["httpx", "wrk"], default="httpx",
                   help="httpx: Python asyncio clients (per-command latencies); wrk: Debian's wrk (not the limit)")
    p.add_argument("--floor", action="store_true", help="also measure the floor of the stack (bench/write_floor.py)")
    args = p.parse_args()
    args.units = max(args.units, 4 * args.clients)
    from sqlalchemy import __version__ as sqlalchemy_version

    out = {
        "benchmark": "openpsap API writes: create -> dispatch -> EnRoute -> OnScene -> InService -> close",
        "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "sqlalchemy": sqlalchemy_version, "sqlite": __import__("sqlite3").sqlite_version,
                    "openpsap": str(Path(__import__("openpsap").__file__).parent), "git": subprocess.run(
                        ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True
                    ).stdout.strip(),
                    "note": f"the load generator ({args.load_generator}) runs on the same {os.cpu_count()} cores "
                            "as the server; other jobs on the machine show in cpu_s.rest_of_machine"},
        "results": {db: run_one(db, args) for db in (["sqlite", "postgresql"] if args.db == "both" else [args.db])},
    }
    if args.floor:
        for db, result in out["results"].items():
            log(f"{db}: the floor of the stack under the same load")
            floor = measure_floor(db, args)
            result["floor"] = floor
            result["share_of_floor"] = round(result["commands_per_s"] / max(floor["commands_per_s"], 0.1), 2)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
