#!/usr/bin/env python3
"""A $BROWSER that behaves like a real browser plus the noise a loopback listener meets: idle
preconnections, a stray request for /favicon.ico, and a forged callback with the wrong state, before the
real login (tests/rig/browser.mjs) goes through. What the listener answered is written as JSON to
$NOISE_OUT for the test to check."""
import http.client, json, os, socket, sys, urllib.parse

url = sys.argv[1]
redirect = urllib.parse.parse_qs(urllib.parse.urlsplit(url).query)["redirect_uri"][0]
target = urllib.parse.urlsplit(redirect)
host, port = target.hostname, target.port

idle = [socket.create_connection((host, port)) for _ in range(3)]  # kept open, never sent a byte

def get(path):
    c = http.client.HTTPConnection(host, port, timeout=5)
    c.request("GET", path)
    r = c.getresponse()
    return {"status": r.status, "body": r.read().decode()}

answers = {
    "favicon": get("/favicon.ico"),
    "wrong_state": get("/callback?code=forged&state=not-the-state"),
}
with open(os.environ["NOISE_OUT"], "w") as f:
    json.dump(answers, f)
os.execvp(os.environ["REAL_BROWSER"], [os.environ["REAL_BROWSER"], url])
