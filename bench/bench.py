#!/usr/bin/env python3
"""Keyward's figures side by side with what people use instead, measured in one run on one machine.

Run through bench/run.sh: it builds the release app, CLI and .deb (scripts/package.sh), the hello-world
Tauri app (bench/hello) and the UI page (bench/ui), then runs this inside a private keychain session
(tests/keychain-session.sh) under Xvfb. This starts the test rig's provider itself. Each figure is the
median of N runs, printed with its counterpart's median (measured in the same run, interleaved where it
matters) and the ratio, and written to BENCHMARKS.md. Not part of ./test: a benchmark measures, it does
not pass or fail.
"""
import base64
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import window

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
KW = os.path.join(TARGET, "release", "keyward")
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}


def median_ms(samples):
    return statistics.median(samples)


def timed(argv, runs, stdin=None, env=None, before=None):
    """Median wall time in ms of `runs` runs of argv (each a fresh process)."""
    samples = []
    for i in range(runs):
        if before:
            before(i)
        start = time.perf_counter()
        subprocess.run(argv, input=stdin, env=env, check=True, **QUIET)
        samples.append((time.perf_counter() - start) * 1000)
    return median_ms(samples)


def interleaved(a, b, runs, env_a=None, env_b=None):
    """Medians of a and b, run one after the other `runs` times (the machine's load hits both alike)."""
    sa, sb = [], []
    for _ in range(runs):
        for argv, env, out in ((a, env_a, sa), (b, env_b, sb)):
            start = time.perf_counter()
            subprocess.run(argv, env=env, check=True, **QUIET)
            out.append((time.perf_counter() - start) * 1000)
    return median_ms(sa), median_ms(sb)


class Rig:
    """tests/rig/provider.mjs on free ports; its JSON line has every endpoint."""

    def __init__(self, *args):
        self.proc = subprocess.Popen(["node", os.path.join(ROOT, "tests/rig/provider.mjs"), *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.info = json.loads(self.proc.stdout.readline())

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Table:
    def __init__(self):
        self.rows = []
        self.notes = []

    def row(self, what, ours, theirs, counterpart, target, unit="ms"):
        ratio = ours / theirs if theirs else float("nan")
        self.rows.append((what, ours, theirs, counterpart, ratio, target, unit))
        print(f"{what}: {ours:.1f} {unit} vs {theirs:.1f} {unit} ({counterpart}) = {ratio:.2f}x (target {target})",
              flush=True)


def kw_env(home, **extra):
    return dict(os.environ, KEYWARD_HOME=home, KEYWARD_LOG="off", **extra)


def tokens(t, rig, home):
    """client_credentials: `token --fresh` and a cached `token` vs curl posting the same request."""
    env = kw_env(home)
    token_url = rig.info["token_endpoint"]
    subprocess.run([KW, "profile", "add", "m2m", "--strategy", "client-credentials", "--url", token_url,
                    "--client-id", "cc-basic", "--scope", "read:users", "--client-secret-stdin"],
                   input=b"cc-basic-secret", env=env, check=True, **QUIET)
    subprocess.run([KW, "token", "m2m"], env=env, check=True, stdout=subprocess.DEVNULL)
    curl = ["curl", "-sf", "-u", "cc-basic:cc-basic-secret", "-d", "grant_type=client_credentials",
            "-d", "scope=read:users", token_url]
    ours, c = interleaved([KW, "token", "m2m", "--fresh"], curl, 30, env_a=env)
    t.row("`keyward token --fresh` (client credentials)", ours, c, "curl posting the same token request", "≤ 1.3×")
    ours, c = interleaved([KW, "token", "m2m"], curl, 30, env_a=env)
    t.row("`keyward token` (valid cached token)", ours, c, "curl posting the token request", "≤ 0.7×")


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def private_key_jwt(t, home, work):
    """private_key_jwt: `token --fresh` vs openssl signing an equivalent assertion + curl posting it.

    One RSA-2048 key (RS384), made by openssl and imported into Keyward with a kid both sides use; the
    rig is started with the JWKS Keyward prints for it.
    """
    env = kw_env(home)
    pem = os.path.join(work, "pkjwt.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pem],
                   check=True, **QUIET)
    subprocess.run([KW, "key", "import", "pkjwt", "--pem", pem, "--alg", "RS384", "--kid", "bench-rs384"],
                   env=env, check=True, **QUIET)
    jwks = os.path.join(work, "client-jwks.json")
    with open(jwks, "w") as f:
        f.write(subprocess.run([KW, "key", "jwks", "pkjwt"], env=env, check=True, capture_output=True,
                               text=True).stdout)
    rig = Rig("--client-jwks", jwks)
    try:
        token_url = rig.info["token_endpoint"]
        subprocess.run([KW, "profile", "add", "pk", "--strategy", "private-key-jwt", "--url", token_url,
                        "--client-id", "pkjwt-rs384", "--key", "pkjwt", "--scope", "read:users"],
                       env=env, check=True, **QUIET)
        # What a script does without Keyward: header and claims in base64url, openssl signs (RS384 is
        # RSASSA-PKCS1-v1_5 with SHA-384, what `openssl dgst -sha384 -sign` makes), curl posts it.
        script = os.path.join(work, "pkjwt.sh")
        header = b64url(json.dumps({"alg": "RS384", "typ": "JWT", "kid": "bench-rs384"}).encode())
        with open(script, "w") as f:
            f.write(f"""#!/bin/bash
set -euo pipefail
b64url() {{ openssl base64 -A | tr '+/' '-_' | tr -d '='; }}
now=$(date +%s)
jti=$(cat /proc/sys/kernel/random/uuid)
payload=$(printf '{{"iss":"pkjwt-rs384","sub":"pkjwt-rs384","aud":"%s","iat":%d,"exp":%d,"jti":"%s"}}' \\
  '{token_url}' "$now" "$((now + 60))" "$jti" | b64url)
signature=$(printf '%s.%s' '{header}' "$payload" | openssl dgst -sha384 -sign '{pem}' | b64url)
curl -sf -d grant_type=client_credentials -d scope=read:users -d client_id=pkjwt-rs384 \\
  -d client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer \\
  -d "client_assertion={header}.$payload.$signature" '{token_url}'
""")
        out = subprocess.run(["bash", script], check=True, capture_output=True, text=True).stdout
        assert "access_token" in out, f"the openssl assertion was refused: {out}"
        ours, theirs = interleaved([KW, "token", "pk", "--fresh"], ["bash", script], 30, env_a=env)
        t.row("`keyward token --fresh` (private_key_jwt, RS384)", ours, theirs,
              "openssl signing the assertion + curl posting it", "≤ 1.0×")
    finally:
        rig.stop()


def keys(t, home, work):
    """`key new` RSA-3072 and P-384 vs openssl genpkey + secret-tool store, interleaved: median of 30 for
    RSA (a prime search is random in length, on both sides: fewer runs give medians 2x apart), 10 for P-384."""
    env = kw_env(home)
    pem = os.path.join(work, "key.pem")
    for label, alg, ossl, n in [("RSA-3072", "RS384", "-algorithm RSA -pkeyopt rsa_keygen_bits:3072", 30),
                                ("P-384", "ES384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384", 10)]:
        ours_s, theirs_s = [], []
        for i in range(n):
            start = time.perf_counter()
            subprocess.run([KW, "key", "new", f"{alg.lower()}-{i}", "--alg", alg], env=env, check=True, **QUIET)
            ours_s.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            # openssl genpkey, then the PEM into the same Secret Service, as a person would without Keyward.
            subprocess.run(["bash", "-c", f"openssl genpkey {ossl} -out {pem} 2>/dev/null && "
                            f"secret-tool store --label=bench service keyward-bench account {alg}-{i} < {pem}"],
                           check=True, **QUIET)
            theirs_s.append((time.perf_counter() - start) * 1000)
        t.row(f"`keyward key new` {label} (generate + keychain)", median_ms(ours_s), median_ms(theirs_s),
              "openssl genpkey + secret-tool store", "≤ 1.0×")
    subprocess.run(["secret-tool", "clear", "service", "keyward-bench"], check=False)


LOGIN_LINE = re.compile(r"login: tokens stored.*callback_to_stored_ms=([0-9.]+).*token_endpoint_ms=([0-9.]+)")


def pkce(t, rig, home):
    """PKCE: from the callback reaching Keyward to the tokens in the keychain, minus the token endpoint's
    round trip (both from KEYWARD_LOG=debug's `login: tokens stored` line), over 10 logins driven by the
    headless browser stand-in (tests/rig/browser.mjs as $BROWSER)."""
    env = dict(kw_env(home), KEYWARD_LOG="keyward_core=debug", BROWSER=os.path.join(ROOT, "tests/rig/browser.mjs"),
               KEYWARD_RIG_BROWSER_OUT=os.path.join(home, "browser-out.json"),
               KEYWARD_RIG_BROWSER_LOG=os.path.join(home, "browser.log"))
    subprocess.run([KW, "profile", "add", "web", "--strategy", "pkce", "--issuer", rig.info["issuer"],
                    "--client-id", "native-app", "--scope", "openid offline_access read:users"],
                   env=env, check=True, **QUIET)
    overhead, endpoint, total = [], [], []
    for _ in range(10):
        run = subprocess.run([KW, "login", "web"], env=env, capture_output=True, text=True, timeout=120)
        # The trace colours its field names and values apart (ANSI codes between name, `=` and value).
        m = LOGIN_LINE.search(re.sub(r"\x1b\[[0-9;]*m", "", run.stderr))
        if run.returncode != 0 or not m:
            raise SystemExit(f"bench: keyward login failed ({run.returncode}): {run.stderr[-2000:]}")
        whole, ep = float(m.group(1)), float(m.group(2))
        overhead.append(whole - ep)
        endpoint.append(ep)
        total.append(whole)
    t.row("PKCE: callback → tokens stored, minus the token endpoint", median_ms(overhead), median_ms(endpoint),
          "the provider's token endpoint (round trip)", "≤ 0.5×")
    t.notes.append(f"PKCE: callback → tokens stored took {median_ms(total):.1f} ms in all (median of 10 logins), "
                   f"of which the token endpoint's round trip {median_ms(endpoint):.1f} ms.")


def make_profiles(home, count):
    """A config with `count` profiles, copies of two real ones (`profile add` wrote them), no secrets."""
    env = kw_env(home)
    subprocess.run([KW, "profile", "add", "seed-web", "--strategy", "pkce", "--issuer", "https://id.example.com",
                    "--client-id", "native-app", "--scope", "openid read:users"], env=env, check=True, **QUIET)
    subprocess.run([KW, "profile", "add", "seed-m2m", "--strategy", "client-credentials", "--url",
                    "https://id.example.com/token", "--client-id", "svc", "--scope", "read:users"],
                   env=env, check=True, **QUIET)
    path = os.path.join(home, "config.json")
    with open(path) as f:
        config = json.load(f)
    seeds = [config["profiles"].pop("seed-web"), config["profiles"].pop("seed-m2m")]
    for i in range(count):
        p = json.loads(json.dumps(seeds[i % 2]))
        config["profiles"][f"svc-{i:04d}"] = p
    with open(path, "w") as f:
        json.dump(config, f, indent=2)


def scale(t, work):
    """`profile list` with 1,000 profiles vs 10, and vs jq listing the same file's names."""
    homes = {}
    for n in (10, 1000):
        homes[n] = os.path.join(work, f"home-{n}")
        os.makedirs(homes[n])
        make_profiles(homes[n], n)
    list_1000 = [KW, "profile", "list", "--json"]
    out = subprocess.run(list_1000, env=kw_env(homes[1000]), check=True, capture_output=True, text=True).stdout
    assert len(json.loads(out)) == 1000, "profile list shows every profile"
    ours, ten = interleaved(list_1000, list_1000, 10, env_a=kw_env(homes[1000]), env_b=kw_env(homes[10]))
    t.row("`keyward profile list`, 1,000 profiles", ours, ten, "the same with 10 profiles", "≤ 3×")
    jq = ["jq", "-r", ".profiles | keys[]", os.path.join(homes[1000], "config.json")]
    ours, theirs = interleaved(list_1000, jq, 10, env_a=kw_env(homes[1000]))
    t.row("`keyward profile list`, 1,000 profiles (with each one's keychain status)", ours, theirs,
          "jq listing the names in the same config.json", "≤ 10×")


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    distro = "Linux"
    try:
        with open("/etc/os-release") as f:
            distro = dict(l.rstrip().split("=", 1) for l in f if "=" in l).get("PRETTY_NAME", distro).strip('"')
    except OSError:
        pass
    load = os.getloadavg()
    return (f"{distro}, {platform.machine()}, {cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; "
            f"load average {load[0]:.1f} at the end of the run (the machine is shared)")


RUN_FILE = os.path.join(TARGET, "bench-last-run.json")


def write(t, sections, started, mach=None):
    mach = mach or machine()
    # The figures of this run, so that `bench.py --rewrite` can write BENCHMARKS.md again with edited notes
    # (bench/NOTES.md) without measuring again: every figure in it stays from one run.
    with open(RUN_FILE, "w") as f:
        json.dump({"rows": t.rows, "notes": t.notes, "sections": sections, "started": started, "machine": mach}, f)
    head = ["| figure | Keyward | counterpart | counterpart is | ratio | target |",
            "| --- | --- | --- | --- | --- | --- |"]
    lines = list(head)
    for what, ours, theirs, counterpart, ratio, target, unit in t.rows:
        fmt = (lambda v: f"{v:.1f} {unit}") if unit != "MB" else (lambda v: f"{v:.1f} MB")
        lines.append(f"| {what} | {fmt(ours)} | {fmt(theirs)} | {counterpart} | {ratio:.2f}× | {target} |")
    print("\n".join(lines))
    print(f"\nmachine: {mach}")
    with open(os.path.join(ROOT, "bench", "NOTES.md")) as f:
        notes = f.read()
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as out:
        out.write("# Benchmarks\n\n")
        out.write("Written by `bench/run.sh` in one run: every figure beside its counterpart, measured on the same\n"
                  "machine in the same run (interleaved run by run where both are processes), medians. The release\n"
                  "build; the test rig's provider on 127.0.0.1; a private gnome-keyring Secret Service; Xvfb.\n"
                  "Ratios are Keyward ÷ counterpart (below 1 is better for Keyward).\n\n")
        out.write("\n".join(lines) + "\n\n")
        for s in sections + t.notes:
            out.write(f"- {s}\n")
        out.write(f"\nMeasured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(started))} on {mach}.\n\n")
        out.write(notes)


def rewrite():
    """BENCHMARKS.md again from the last run's figures (target/bench-last-run.json) and today's NOTES.md."""
    with open(RUN_FILE) as f:
        run = json.load(f)
    t = Table()
    t.rows = [tuple(r) for r in run["rows"]]
    t.notes = run["notes"]
    write(t, run["sections"], run["started"], run["machine"])


def main():
    if sys.argv[1:] == ["--rewrite"]:
        return rewrite()
    started = time.time()
    work = tempfile.mkdtemp(prefix="kw-bench-")
    home = os.path.join(work, "home")
    os.makedirs(home)
    t = Table()
    sections = []
    only = set(sys.argv[1:])
    want = lambda name: not only or name in only
    rig = Rig()
    try:
        if want("tokens"):
            tokens(t, rig, home)
        if want("pkjwt"):
            private_key_jwt(t, home, work)
        if want("keys"):
            keys(t, home, work)
        if want("pkce"):
            pkce(t, rig, home)
        if want("scale"):
            scale(t, work)
        if want("ui"):
            sections += window.ui_scale(t, ROOT)
        if want("window"):
            sections += window.window(t, ROOT, TARGET, work)
    finally:
        rig.stop()
        shutil.rmtree(work, ignore_errors=True)
    write(t, sections, started)


if __name__ == "__main__":
    main()
