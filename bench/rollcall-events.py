# Event reader for bench/rollcall-adapter (run as `python3 -S rollcall-events.py <workdir> <pid>`):
# follows the agent's GET /v1/events stream and appends `<epoch_millis> <type> <member>` lines to
# <workdir>/events.log until the agent is gone. See the adapter's header for the mapping and stamps.
import datetime
import json
import os
import socket
import sys
import time

MAP = {"joined": "join", "updated": "update", "left": "leave", "failed": "failed"}
SNAP = {"alive": "join", "suspect": "join", "failed": "failed", "left": "leave"}
EPOCH = datetime.datetime(1970, 1, 1)


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def millis(iso):  # "2026-11-22T05:09:53.813Z"
    d = datetime.datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ") - EPOCH
    return (d.days * 86400 + d.seconds) * 1000 + d.microseconds // 1000


def main(wd, pid):
    host, port = open(os.path.join(wd, "http_addr")).read().strip().rsplit(":", 1)
    out = open(os.path.join(wd, "events.log"), "a", buffering=1)
    last_id = "0"
    state = {}
    while alive(pid):
        try:
            s = socket.create_connection((host, int(port)), timeout=2)
        except OSError:
            time.sleep(0.01)
            continue
        try:
            s.settimeout(None)
            # HTTP/1.0: the server answers with an unframed body that ends when the stream closes.
            s.sendall(f"GET /v1/events HTTP/1.0\r\nHost: {host}:{port}\r\nAccept: text/event-stream\r\n"
                      f"Last-Event-ID: {last_id}\r\n\r\n".encode())
            f = s.makefile("rb")
            status = f.readline()
            if b" 200 " not in status:
                raise OSError(status)
            while f.readline() not in (b"\r\n", b"\n", b""):
                pass
            t_conn = int(time.time() * 1000)
            ev_id = ev_type = None
            data = []
            for raw in f:
                line = raw.decode("utf-8", "replace").rstrip("\r\n")
                if line:
                    if line[0] == ":":
                        continue
                    k, _, v = line.partition(":")
                    if v[:1] == " ":
                        v = v[1:]
                    if k == "id":
                        ev_id = v
                    elif k == "event":
                        ev_type = v
                    elif k == "data":
                        data.append(v)
                    continue
                if ev_type is not None and data:
                    now = int(time.time() * 1000)
                    d = json.loads("\n".join(data))
                    if ev_type == "snapshot":
                        for m in d.get("members", []):
                            t = SNAP.get(m.get("status"))
                            prev = state.get(m["name"])
                            if t and prev != t and not (t == "join" and prev == "update"):
                                state[m["name"]] = t
                                out.write(f"{now} {t} {m['name']}\n")
                    elif ev_type in MAP:
                        t = MAP[ev_type]
                        ts = now
                        try:
                            et = millis(d["time"])
                            if et < t_conn:
                                ts = et
                        except (KeyError, ValueError):
                            pass
                        name = d["member"]["name"]
                        state[name] = t
                        out.write(f"{ts} {t} {name}\n")
                    if ev_id is not None:
                        last_id = ev_id
                ev_id = ev_type = None
                data = []
        except (OSError, ValueError):
            time.sleep(0.05)
        finally:
            s.close()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
