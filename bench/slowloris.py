#!/usr/bin/env python3
"""Slowloris against a real agent under the launcher's JVM options (-Xmx64m -Xss256k): 100 HTTP
connections without a token sending a header byte every 8 s and 130 gossip TCP connections trickling a
push/pull, first from one address, then from 100 and 130 addresses; after each, an authorised request
and a join through the attacked agent. Prints the answers, the agent's RSS and thread count, and its
refusal counters. Uses 127.104.0.0/16 on loopback: run it inside a network namespace of your own,
  ip netns add slow && ip netns exec slow ip link set lo up
  ip netns exec slow bench/slowloris.py [JAR] [WORKDIR]
(JAR defaults to rollcall-agent/target/rollcall.jar; docs/SECURITY.md, Slow senders, has the figures.)"""
import os, socket, subprocess, sys, time, threading, json, urllib.request
here = os.path.dirname(os.path.abspath(__file__))
jar = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "rollcall-agent", "target", "rollcall.jar")
work = sys.argv[2] if len(sys.argv) > 2 else "/tmp/rollcall-slowloris"
os.makedirs(work, exist_ok=True)
JAVA_OPTS = "-XX:+UseSerialGC -Xms4m -XX:NewSize=1m -Xmx64m -Xss256k -XX:StackShadowPages=10 -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError".split()
def agent(name, ip, *extra):
    log = open(f"{work}/{name}.log", "w")
    return subprocess.Popen(["java", *JAVA_OPTS, "-jar", jar, "agent", "--node", name, "--bind", f"{ip}:7946",
                             "--http", f"{ip}:7947", "--data-dir", f"{work}/{name}-data", "--http-token", "s3cret", *extra],
                            stdout=log, stderr=subprocess.STDOUT)
def http(ip, path, headers):
    req = urllib.request.Request(f"http://{ip}:7947{path}", headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except Exception as e:
        return None, str(e)
def rss(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS"):
            return line.split()[1] + " kB"
def threads(pid):
    return len(os.listdir(f"/proc/{pid}/task"))
def wait_up(ip):
    for _ in range(200):
        s, _ = http(ip, "/v1/self", {"Authorization": "Bearer s3cret"})
        if s == 200: return
        time.sleep(0.1)
    raise SystemExit("agent did not start")
slow = []
def open_slow(target, local, first):
    s = socket.socket()
    s.bind((local, 0)); s.connect(target); s.sendall(first); slow.append(s)
stop = False
def trickle(period):
    while not stop:
        time.sleep(period)
        for s in list(slow):
            try: s.send(b"a")
            except OSError: pass
def join_through(name, ip, what):
    """Starts an agent that joins the victim; prints whom it sees and why its join failed, if it did."""
    b = agent(name, ip, "--join", "127.104.0.1:7946")
    try:
        time.sleep(6)
        st, body = http(ip, "/v1/members", {"Authorization": "Bearer s3cret"})
        try:
            names = sorted(m["name"] + ":" + m["status"] for m in json.loads(body)["members"])
        except Exception:
            names = body[:200]
        print(f"{what}: {name}'s members ->", st, names)
        for line in open(f"{work}/{name}.log").read().splitlines():
            if "join" in line.lower() and ("fail" in line.lower() or "bytes" in line or "closed" in line):
                print(f"  {name} log:", line[:220])
    finally:
        b.kill(); b.wait()
a = agent("victim", "127.104.0.1")
try:
    wait_up("127.104.0.1")
    print("idle: rss", rss(a.pid), "threads", threads(a.pid))
    # Finding 5: 100 HTTP connections without a token, a header byte every 8 s.
    for i in range(100):
        open_slow(("127.104.0.1", 7947), "127.104.1.1", b"GET /v1/self HTTP/1.1\r\nX-")
    threading.Thread(target=trickle, args=(8,), daemon=True).start()
    time.sleep(1)
    st, body = http("127.104.0.1", "/v1/self", {"Authorization": "Bearer s3cret"})
    print("HTTP slowloris (100 conns, one source): authorised GET /v1/self ->", st, body[:80].strip())
    st, body = http("127.104.0.1", "/v1/self", {"Authorization": "bearer s3cret"})
    print("lower-case 'bearer' ->", st, body[:80].strip())
    print("under HTTP slowloris: rss", rss(a.pid), "threads", threads(a.pid))
    # Finding 4: 130 gossip connections from one host trickling bytes.
    for i in range(130):
        open_slow(("127.104.0.1", 7946), "127.104.2.1", bytes([0x06, 0x81, 0xda, 0xff, 0xff]))
    time.sleep(1)
    print("under both: rss", rss(a.pid), "threads", threads(a.pid))
    join_through("joiner", "127.104.0.2", "gossip slowloris (130 conns, one source)")
    # Many sources: 130 gossip connections from 130 addresses, 100 HTTP from 100 addresses.
    for s in slow: s.close()
    slow.clear()
    for i in range(130):
        open_slow(("127.104.0.1", 7946), f"127.104.3.{1 + i}", bytes([0x06, 0x81, 0xda, 0xff, 0xff]))
    for i in range(100):
        open_slow(("127.104.0.1", 7947), f"127.104.4.{1 + i}", b"GET /v1/self HTTP/1.1\r\nX-")
    time.sleep(1)
    st, body = http("127.104.0.1", "/v1/self", {"Authorization": "Bearer s3cret"})
    print("HTTP slowloris (100 sources): authorised GET ->", st, body[:60].strip())
    join_through("joiner2", "127.104.0.3", "gossip slowloris (130 sources)")
    print("under many-source slowloris: rss", rss(a.pid), "threads", threads(a.pid))
    st, metrics = http("127.104.0.1", "/metrics", {"Authorization": "Bearer s3cret"})
    for line in metrics.splitlines():
        if ("inbound_stream" in line or "http_refused" in line) and not line.startswith("#"):
            print("  metric:", line)
finally:
    stop = True
    a.kill(); a.wait()
