"""Benchmark Keystone's pages against django-machina 1.3.1 and a bare view, side by side in one run.

    python bench/pages.py            (make bench)    knobs: BENCH_SECONDS=5 BENCH_ROUNDS=3 BENCH_SOAK=60
    BENCH_REUSE=1 python bench/pages.py    measure again on the databases the last run seeded

What it does, on this machine, with nothing mocked:
- PostgreSQL databases ks_perf (Keystone) and ks_perf_machina (machina), Redis DB 4 (BENCH_PG,
  BENCH_DB, BENCH_REDIS_URL override them); both are dropped and rebuilt on every run;
- django-machina 1.3.1 from PyPI into its own virtualenv, var/bench-machina (never the project's .venv);
- seeds both through their own code with the same words (bench/seedtext.py): a 20-post topic on a board
  of 30 topics; Keystone also gets blog entries with 20 and 200 comments and the notifications that makes;
- runs each under gunicorn, 2 sync workers, DEBUG off, production-like settings (Keystone: its
  production settings plus one bare view, bench/keystone_site, and production's gunicorn settings,
  portal/gunicorn_conf.py);
- measures every page with wrk (a Python load generator if wrk is missing), interleaved, BENCH_ROUNDS
  rounds of BENCH_SECONDS each, as a signed-in member; prints worker CPU ms per request (utime+stime of
  the gunicorn workers from /proc, divided by the requests served), requests/s, p50/p99 latency, HTML
  bytes, the bytes of CSS, JS and fonts a page loads before anyone interacts (from the files
  collectstatic wrote; gzip -6), whether each asset's name is fingerprinted, and the memory of both workers
  and the master (RSS, private, PSS) after a BENCH_SOAK-second mixed load (every page above, the other
  pages a leader opens — Latest, search, people, a profile, blogs, learn, drafts, saved — and, in Keystone,
  a reply every 2 s and a reaction toggled every 2 s, writes that hand jobs to the broker; machina's soak
  reads only); then the ratios issue 13 sets targets for.

It is a benchmark, not a test: nothing here fails the suite. The suite keeps the query-count tests.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VAR = ROOT / "var" / "bench"
MACHINA_VENV = ROOT / "var" / "bench-machina"
PY = Path(sys.executable)
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = os.environ.get("BENCH_DB", "ks_perf")
MACHINA_DB = f"{DB}_machina"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
SOAK = int(os.environ.get("BENCH_SOAK", "60"))
CLK_TCK = os.sysconf("SC_CLK_TCK")
HASHED = re.compile(r"\.[0-9a-f]{12}\.[a-z0-9]+$")


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def run(cmd: list, *, env: dict, cwd: Path = ROOT) -> str:
    done = subprocess.run([str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done.stdout


# ------------------------------------------------------------------ databases and virtualenvs
def recreate_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


def machina_python() -> Path:
    python = MACHINA_VENV / "bin" / "python"
    if not python.exists():
        log("Installing django-machina 1.3.1 into var/bench-machina (once)")
        subprocess.run([sys.executable, "-m", "venv", str(MACHINA_VENV)], check=True)
        packages = ["django-machina==1.3.1", "gunicorn", "psycopg[binary]", "django-redis"]
        subprocess.run([str(MACHINA_VENV / "bin" / "pip"), "install", "-q", *packages], check=True)
    return python


def keystone_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "keystone_site.settings",
        "PYTHONPATH": f"{BENCH}:{ROOT}",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "bench-only-keystone-key-0123456789abcdefghijklmnopqrstuvwxyz",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(VAR / "static-keystone"),
        "MEDIA_ROOT": str(VAR / "media-keystone"),
        "EMAIL_URL": f"filemail://{VAR / 'mail'}",
        "LOG_LEVEL": "WARNING",
        "RATE_LIMITS_ENABLED": "False",
    }


def machina_env() -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "machina_site.settings",
        "PYTHONPATH": str(BENCH),
        "MACHINA_DB": MACHINA_DB,
        "REDIS_URL": REDIS_URL,
        "MACHINA_STATIC_ROOT": str(VAR / "static-machina"),
        "MACHINA_MEDIA_ROOT": str(VAR / "media-machina"),
        "MACHINA_ATTACHMENTS": str(VAR / "machina-attachments"),
    }


def setup_keystone() -> dict:
    log("Keystone: database, static files, seed (through the services)")
    recreate_database(DB)
    env = keystone_env()
    run([PY, "manage.py", "migrate", "--noinput"], env=env)
    run([PY, "manage.py", "collectstatic", "--noinput", "--clear"], env=env)
    out = run([PY, "-m", "keystone_site.seed"], env={**env, "CELERY_TASK_ALWAYS_EAGER": "True"}, cwd=BENCH)
    return json.loads(out.strip().splitlines()[-1])


def setup_machina() -> dict:
    log("machina: virtualenv, database, static files, seed")
    python = machina_python()
    recreate_database(MACHINA_DB)
    env = machina_env()
    run([python, "-m", "django", "migrate", "--noinput"], env=env, cwd=BENCH)
    run([python, "-m", "django", "collectstatic", "--noinput", "--clear"], env=env, cwd=BENCH)
    out = run([python, "-m", "machina_site.seed"], env=env, cwd=BENCH)
    return json.loads(out.strip().splitlines()[-1])


# ------------------------------------------------------------------ gunicorn and /proc
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(
        self, name: str, gunicorn: Path, app: str, env: dict, cwd: Path, static_root: Path, site: dict, config=()
    ):
        self.name, self.static_root, self.site = name, static_root, site
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        cmd = [str(gunicorn), app, *config, "--workers", "2", "--worker-class", "sync"]
        cmd += ["--bind", f"127.0.0.1:{self.port}"]
        cmd += ["--timeout", "60", "--log-level", "warning", "--no-control-socket"]
        self.proc = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.fetch(next(iter(site["urls"].values())))
                if len(self.workers()) == 2:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        sys.exit(f"{name}'s gunicorn did not start")

    def workers(self) -> list[int]:
        pids = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    pids.append(int(entry.name))
        return pids

    def cpu_seconds(self) -> float:
        total = 0
        for pid in self.workers():
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / CLK_TCK

    def fetch(self, path: str) -> bytes:
        request = urllib.request.Request(self.base + path, headers={"Cookie": self.site["cookie"]})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http on loopback only)
            if response.status != 200 or response.url != self.base + path:
                raise SystemExit(f"{self.name} {path}: {response.status} at {response.url}")
            return response.read()

    def memory(self) -> dict:
        """The master's and both workers' memory, in MB (/proc/PID/smaps_rollup): RSS counts every page a process
        maps, shared ones too; private is what only that process holds (what one more worker costs); PSS shares
        each page among the processes that map it, so the PSS of all of them adds up to what they take together."""

        def one(pid: int) -> dict:
            fields = {}
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                key, value, *_ = line.split()
                fields[key.rstrip(":")] = int(value) / 1024
            return {
                "rss": fields["Rss"],
                "private": fields["Private_Clean"] + fields["Private_Dirty"],
                "pss": fields["Pss"],
            }

        workers = sorted((one(pid) for pid in self.workers()), key=lambda m: -m["rss"])
        master = one(self.proc.pid)
        return {"workers": workers, "master": master, "pss": master["pss"] + sum(w["pss"] for w in workers)}

    def post(self, path: str, data: dict, csrf: str) -> int:
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": csrf}).encode()
        cookie = f"{self.site['cookie']}; csrftoken={csrf}"
        request = urllib.request.Request(self.base + path, data=body, headers={"Cookie": cookie})  # noqa: S310
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (http on loopback only)
            return response.status

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


# ------------------------------------------------------------------ bytes
def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6))


def static_file(server: Server, url: str) -> Path | None:
    url = url.split("?")[0].split("#")[0]
    if not url.startswith("/static/"):
        return None
    path = server.static_root / url.removeprefix("/static/")
    return path if path.is_file() else None


JS_IMPORT = re.compile(r"""(?:^|;|\n)\s*import\s*(?:[\w*{}\s,]+from\s*)?["']([^"']+)["']""")
CSS_URL = re.compile(r"""url\(\s*["']?([^"')]+)["']?\s*\)""")
FONT_FACE = re.compile(r"@font-face\s*{[^}]*}", re.S)


def assets(server: Server, html: str) -> dict[str, bytes]:
    """Every CSS, JS and font file the page loads before the reader does anything: stylesheets, scripts,
    module preloads, the static imports of module scripts, CSS @imports and the first source of each
    @font-face. Dynamic import() is not followed: that is what loading on demand means."""
    found: dict[str, bytes] = {}
    queue = re.findall(r"""<link[^>]+rel=["'](?:stylesheet|modulepreload)["'][^>]*href=["']([^"']+)""", html)
    queue += re.findall(r"""<link[^>]+href=["']([^"']+)["'][^>]*rel=["'](?:stylesheet|modulepreload)["']""", html)
    queue += re.findall(r"""<script[^>]+src=["']([^"']+)""", html)
    while queue:
        url = queue.pop()
        path = static_file(server, url)
        if path is None or url in found:
            continue
        data = path.read_bytes()
        found[url] = data
        base = url.rsplit("/", 1)[0] + "/"
        text = data.decode("utf-8", "replace")
        if path.suffix == ".js":
            queue += [resolve(base, m) for m in JS_IMPORT.findall(text) if m.startswith(".") or m.startswith("/")]
        elif path.suffix == ".css":
            queue += [resolve(base, m) for m in re.findall(r"""@import\s+(?:url\()?["']([^"']+)""", text)]
            for face in FONT_FACE.findall(text):
                first = CSS_URL.search(face)
                if first:
                    queue.append(resolve(base, first.group(1)))
    return found


def resolve(base: str, ref: str) -> str:
    if ref.startswith("/"):
        return ref
    parts = (base + ref).split("/")
    out: list[str] = []
    for part in parts:
        if part == "..":
            out.pop()
        elif part != ".":
            out.append(part)
    return "/".join(out)


def page_bytes(server: Server, path: str) -> dict:
    body = server.fetch(path)
    files = assets(server, body.decode("utf-8", "replace"))
    return {
        "html": len(body),
        "html_gz": gz(body),
        "assets": len(files),
        "assets_gz": sum(gz(d) for d in files.values()),
        "unhashed": sorted(u for u in files if not HASHED.search(u)),
    }


# ------------------------------------------------------------------ load
def unit_ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def load_wrk(server: Server, paths: list[str], seconds: int) -> dict:
    script = VAR / f"paths-{server.port}.lua"
    quoted = ", ".join(json.dumps(p) for p in paths)
    script.write_text(
        f"local paths = {{{quoted}}}\nlocal i = 0\n"
        "request = function()\n  i = i % #paths + 1\n  return wrk.format('GET', paths[i])\nend\n"
    )
    cmd = ["wrk", "-t2", "-c4", f"-d{seconds}s", "--latency", "--timeout", "30s", "-s", str(script)]
    cmd += ["-H", f"Cookie: {server.site['cookie']}", server.base + paths[0]]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in out:
        sys.exit(f"{server.name} {paths}: wrk saw error responses\n{out}")
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": unit_ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)),
        "p99": unit_ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),
    }


def load_python(server: Server, paths: list[str], seconds: int) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    stop = time.monotonic() + seconds

    def worker(offset: int) -> None:
        i = offset
        while time.monotonic() < stop:
            began = time.perf_counter()
            try:
                server.fetch(paths[i % len(paths)])
            except (OSError, SystemExit) as error:
                errors.append(str(error))
                return
            latencies.append((time.perf_counter() - began) * 1000)
            i += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"{server.name}: {errors[0]}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / (time.monotonic() - began),
        "p50": latencies[len(latencies) // 2],
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


LOAD = load_wrk if shutil.which("wrk") else load_python


def soak(server: Server, seconds: int) -> dict:
    """The mixed load of the RSS figure: every measured page, the other pages a leader opens, and (Keystone) the
    writes that hand jobs to the worker: a reply every 2 s and a reaction toggled every 2 s, beside the reads."""
    paths = list(server.site["urls"].values()) + list(server.site.get("soak_urls", {}).values())
    writes = server.site.get("writes")
    done = {"replies": 0, "reactions": 0}
    stop = threading.Event()
    failed: list[str] = []

    def writer() -> None:
        try:
            write()
        except (OSError, AttributeError) as error:  # an HTTP error, or no CSRF token on the page
            failed.append(f"{type(error).__name__}: {error}")

    def write() -> None:
        page = server.fetch(writes["csrf page"]).decode()
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        n = 0
        while not stop.wait(1.0):
            n += 1
            if n % 2:
                body = f"<p>Soak reply {n}: what worked for your team this week, and what would you change?</p>"
                data = {"body": body, "client_key": f"soak-{time.time_ns()}", "post_anyway": "on"}
                server.post(writes["reply"], data, csrf)
                done["replies"] += 1
            else:
                server.post(writes["react"], {"kind": "like"}, csrf)
                done["reactions"] += 1

    thread = threading.Thread(target=writer) if writes else None
    if thread:
        thread.start()
    try:
        result = LOAD(server, paths, seconds)
    finally:
        stop.set()
        if thread:
            thread.join()
    if failed:
        sys.exit(f"{server.name}: a write of the soak failed after {done}: {failed[0]}")
    return {**result, **done, "pages": len(paths)}


def measure(server: Server, path: str) -> dict:
    before = server.cpu_seconds()
    result = LOAD(server, [path], SECONDS)
    result["cpu_ms"] = (server.cpu_seconds() - before) * 1000 / max(1, result["requests"])
    return result


# ------------------------------------------------------------------ the run
# Keystone's pages, each with the machina page nearest to it (None: compare with 10 x the bare view).
PAGES = {
    "topic": "topic",
    "topic list": "topic list",
    "board list": "board list",
    "blog entry": "topic",
    "blog entry, 200 comments": "topic",
    "home": None,
    "notifications": None,
    "bare view": None,
}


def main() -> None:
    VAR.mkdir(parents=True, exist_ok=True)
    saved = VAR / "sites.json"
    if os.environ.get("BENCH_REUSE") and saved.exists():  # the databases of the last run, as they are
        ks_site, mc_site = json.loads(saved.read_text())
        run([PY, "manage.py", "collectstatic", "--noinput", "--clear"], env=keystone_env())  # today's assets
        run([machina_python(), "-m", "django", "collectstatic", "--noinput", "--clear"], env=machina_env(), cwd=BENCH)
    else:
        flush_redis()
        ks_site, mc_site = setup_keystone(), setup_machina()
        saved.write_text(json.dumps([ks_site, mc_site]))
    venv_bin = PY.parent
    keystone = Server(
        "Keystone", venv_bin / "gunicorn", "portal.wsgi", keystone_env(), ROOT, VAR / "static-keystone", ks_site,
        config=["--config", "python:portal.gunicorn_conf"],  # production's (Procfile): the application preloaded
    )  # fmt: skip
    machina = Server(
        "machina", MACHINA_VENV / "bin" / "gunicorn", "machina_site.wsgi", machina_env(), BENCH,
        VAR / "static-machina", mc_site,
    )  # fmt: skip
    try:
        runs: dict[tuple[str, str], list[dict]] = {}
        jobs = [(keystone, name) for name in PAGES] + [(machina, name) for name in mc_site["urls"]]
        for server, name in jobs:  # warm both workers' caches and imports
            LOAD(server, [server.site["urls"][name]], 1)
        for r in range(ROUNDS):
            log(f"round {r + 1} of {ROUNDS}")
            for server, name in jobs if r % 2 == 0 else jobs[::-1]:
                runs.setdefault((server.name, name), []).append(measure(server, server.site["urls"][name]))
        sizes = {(s.name, n): page_bytes(s, s.site["urls"][n]) for s, n in jobs}
        rss, soaked = {}, {}
        for server in (keystone, machina):
            log(f"{server.name}: {SOAK} s of mixed load for the RSS figure")
            if SOAK:
                soaked[server.name] = soak(server, SOAK)
            rss[server.name] = server.memory()
        log(f"soak: {soaked}")
    finally:
        keystone.stop()
        machina.stop()
    report(runs, sizes, rss)


def report(runs: dict, sizes: dict, rss: dict) -> None:
    med = {key: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for key, rs in runs.items()}
    print(f"\nworker CPU ms/request, median of {ROUNDS} rounds of {SECONDS} s (wrk -t2 -c4: {LOAD is load_wrk})")
    head = f"{'page':<34}{'CPU ms':>8}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>8}{'HTML KB':>9}{'gzip':>7}"
    print(head + f"{'assets':>7}{'KB gz':>8}  not fingerprinted")
    for (server, name), m in med.items():
        s = sizes[(server, name)]
        print(
            f"{server + ' ' + name:<34}{m['cpu_ms']:>8.1f}{m['rps']:>8.1f}{m['p50']:>8.1f}{m['p99']:>8.1f}"
            f"{s['html'] / 1024:>9.1f}{s['html_gz'] / 1024:>7.1f}{s['assets']:>7}{s['assets_gz'] / 1024:>8.1f}"
            f"  {', '.join(s['unhashed']) or '-'}"
        )
    print(f"\nmemory after {SOAK} s of mixed load, MB (RSS, private to the process, PSS)")
    for k, m in rss.items():
        workers = "  ".join(f"{w['rss']:.0f} / {w['private']:.0f} / {w['pss']:.0f}" for w in m["workers"])
        master = m["master"]
        print(
            f"  {k:<9} workers {workers}   master {master['rss']:.0f} / {master['private']:.0f} / "
            f"{master['pss']:.0f}   all three together (PSS) {m['pss']:.0f}"
        )
    print("\nratios (issue 13 targets in brackets)")
    bare = med[("Keystone", "bare view")]["cpu_ms"]
    for name, nearest in PAGES.items():
        if name == "bare view":
            continue
        ks = med[("Keystone", name)]["cpu_ms"]
        line = f"  {name:<26} CPU {ks / bare:5.1f} x bare view [≤ 10]"
        if nearest:
            line += f"   {ks / med[('machina', nearest)]['cpu_ms']:.2f} x machina {nearest} [≤ 0.5]"
        print(line)
    topic = sizes[("Keystone", "topic")]
    print(
        f"  topic HTML {topic['html'] / 1024:.1f} KB [≤ 40]; assets before the composer opens "
        f"{topic['assets_gz'] / 1024:.1f} KB gzip [≤ 100]; RSS {rss['Keystone']['workers'][0]['rss']:.0f} MB [≤ 80]"
    )
    long, short = med[("Keystone", "blog entry, 200 comments")], med[("Keystone", "blog entry")]
    html_ratio = sizes[("Keystone", "blog entry, 200 comments")]["html"] / sizes[("Keystone", "blog entry")]["html"]
    print(f"  blog entry 200 / 20 comments: CPU {long['cpu_ms'] / short['cpu_ms']:.2f}x, HTML {html_ratio:.2f}x [flat]")


if __name__ == "__main__":
    if sys.argv[1:]:
        # Everything is set by environment (above). An argument is a question or a slip, and must not start a
        # run that drops and rebuilds the benchmark's databases.
        print(__doc__)
        sys.exit(0 if sys.argv[1:] in (["-h"], ["--help"]) else 2)
    tempfile.tempdir = str(VAR)
    main()
