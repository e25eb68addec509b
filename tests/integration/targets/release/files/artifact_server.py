"""An HTTP server for the release tests' host-side downloads, with its faults on purpose.

    artifact_server.py --dir DIR --bind ADDRESS --state STATE_DIR [--token T] [--lifetime S]

Serves the files of DIR:

    /files/NAME        the file
    /auth/NAME         the file, with "Authorization: Bearer T" or basic auth user:T; else 401
    /redirect/NAME     302 to /files/NAME
    /truncated/NAME    announces the whole length, sends half, and closes the connection
    /slow/NAME         sends the first byte, then nothing until the client gives up

anything else is 404. It picks a free port, and writes STATE_DIR/port, STATE_DIR/pid and
one line per request to STATE_DIR/requests ("GET /files/NAME 200"). It exits after
--lifetime seconds (600 by default) should nobody stop it.
"""
import argparse
import base64
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", required=True)
    parser.add_argument("--bind", required=True)
    parser.add_argument("--state", required=True)
    parser.add_argument("--token", default="t0ken")
    parser.add_argument("--lifetime", type=float, default=600.0)
    opts = parser.parse_args()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, fmt, *args):  # one line per request, in the state directory instead
            pass

        def _record(self, status):
            with lock, open(os.path.join(opts.state, "requests"), "a", encoding="utf-8") as f:
                f.write("GET %s %d\n" % (self.path, status))

        def _refuse(self, status, extra=()):
            self._record(status)
            body = b"no\n"
            self.send_response(status)
            for name, value in extra:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            parts = self.path.split("?", 1)[0].split("/")
            if len(parts) != 3 or parts[0] != "" or parts[2] in ("", ".", ".."):
                return self._refuse(404)
            kind, name = parts[1], parts[2]
            path = os.path.join(opts.dir, name)
            if not os.path.isfile(path):
                return self._refuse(404)
            if kind == "redirect":
                return self._refuse(302, [("Location", "/files/" + name)])
            if kind == "auth":
                basic = "Basic " + base64.b64encode(("user:" + opts.token).encode()).decode()
                if self.headers.get("Authorization") not in ("Bearer " + opts.token, basic):
                    return self._refuse(401, [("WWW-Authenticate", 'Basic realm="artifacts"')])
            elif kind not in ("files", "truncated", "slow"):
                return self._refuse(404)
            with open(path, "rb") as f:
                data = f.read()
            self._record(200)
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if kind == "truncated":
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return None
            if kind == "slow":
                self.wfile.write(data[:1])
                self.wfile.flush()
                time.sleep(opts.lifetime)
                return None
            self.wfile.write(data)
            return None

    server = ThreadingHTTPServer((opts.bind, 0), Handler)
    server.daemon_threads = True
    os.makedirs(opts.state, exist_ok=True)
    with open(os.path.join(opts.state, "pid"), "w", encoding="ascii") as f:
        f.write("%d\n" % os.getpid())
    with open(os.path.join(opts.state, "port.tmp"), "w", encoding="ascii") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(os.path.join(opts.state, "port.tmp"), os.path.join(opts.state, "port"))
    timer = threading.Timer(opts.lifetime, server.shutdown)
    timer.daemon = True
    timer.start()
    server.serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
