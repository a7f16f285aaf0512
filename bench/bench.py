#!/usr/bin/env python3
"""Keyward's figures side by side with what people use instead, measured in one run on one machine.

Run through bench/run.sh (it builds the release CLI, starts the test rig and a private keychain session).
Each figure is the median of N one-shot processes, printed with its counterpart's median and the ratio,
and written to BENCHMARKS.md. Not part of ./test: a benchmark measures, it does not pass or fail.
"""
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KW = os.path.join(ROOT, "target", "release", "keyward")


def timed(argv, runs, stdin=None, env=None, before=None):
    """Median wall time in ms of `runs` runs of argv (each a fresh process)."""
    samples = []
    for i in range(runs):
        if before:
            before(i)
        start = time.perf_counter()
        subprocess.run(argv, input=stdin, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main():
    rig = json.loads(sys.argv[1])
    token_url = rig["token_endpoint"]
    home = tempfile.mkdtemp(prefix="kw-bench-")
    env = dict(os.environ, KEYWARD_HOME=home, KEYWARD_LOG="off")
    kw = lambda *a: [KW, *a]
    subprocess.run(kw("profile", "add", "m2m", "--strategy", "client-credentials", "--url", token_url,
                      "--client-id", "cc-basic", "--scope", "read:users", "--client-secret-stdin"),
                   input=b"cc-basic-secret", env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(kw("token", "m2m"), env=env, check=True, stdout=subprocess.DEVNULL)
    curl = ["curl", "-sf", "-u", "cc-basic:cc-basic-secret", "-d", "grant_type=client_credentials",
            "-d", "scope=read:users", token_url]

    rows = []
    def row(what, ours, theirs, counterpart, target):
        rows.append((what, ours, theirs, counterpart, ours / theirs, target))

    n = 30
    c = timed(curl, n)
    row("`keyward token --fresh` (client credentials)", timed(kw("token", "m2m", "--fresh"), n, env=env), c,
        "curl posting the same token request", "≤ 1.3×")
    row("`keyward token` (valid cached token)", timed(kw("token", "m2m"), n, env=env), timed(curl, n),
        "curl posting the token request", "≤ 0.7×")

    keys = 15
    pem = os.path.join(home, "key.pem")
    def openssl_and_store(args):
        # openssl genpkey, then the PEM into the same Secret Service, as a person would without Keyward.
        return ["bash", "-c", f"openssl genpkey {args} -out {pem} 2>/dev/null && "
                f"secret-tool store --label=bench service keyward-bench account k < {pem}"]
    for label, alg, ossl in [("RSA-3072", "RS384", "-algorithm RSA -pkeyopt rsa_keygen_bits:3072"),
                             ("P-384", "ES384", "-algorithm EC -pkeyopt ec_paramgen_curve:P-384")]:
        ours = timed(["bash", "-c", f'"{KW}" key new "k$RANDOM$RANDOM" --alg {alg} >/dev/null'], keys, env=env)
        row(f"`keyward key new` {label} (generate + keychain)", ours, timed(openssl_and_store(ossl), keys),
            "openssl genpkey + secret-tool store", "≤ 1.0×")
    subprocess.run(["secret-tool", "clear", "service", "keyward-bench"], check=False)

    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()} Python"
    lines = ["| figure | Keyward (median ms) | counterpart (median ms) | counterpart | ratio | target |",
             "| --- | --- | --- | --- | --- | --- |"]
    for what, ours, theirs, counterpart, ratio, target in rows:
        lines.append(f"| {what} | {ours:.1f} | {theirs:.1f} | {counterpart} | {ratio:.2f}× | {target} |")
    print("\n".join(lines))
    print(f"\nmachine: {machine}")
    with open(os.path.join(ROOT, "BENCHMARKS.md"), "w") as out:
        out.write("# Benchmarks\n\n")
        out.write("Written by `bench/run.sh` (medians of one-shot processes: 30 for tokens, 15 for keys; the release\n"
                  "build; the test rig's provider on 127.0.0.1; a private gnome-keyring Secret Service). Each figure\n"
                  "is measured side by side with its counterpart in the same run.\n\n")
        out.write("\n".join(lines) + "\n\n")
        out.write(f"Measured {time.strftime('%Y-%m-%d')} on {machine}.\n")


if __name__ == "__main__":
    main()
