#!/usr/bin/env python3
"""A real RFC 3161 timestamp service on loopback, for the tests only: OpenSSL's `ts` command answers
each request behind a small HTTP server.

  tsa-server.py FOLDER [SECONDS]

Makes a CA and a timestamping certificate (extendedKeyUsage timeStamping, critical) in FOLDER,
listens on 127.0.0.1 on a free port, prints the port on the first line of standard output, and
answers `POST` bodies of `application/timestamp-query` with `openssl ts -reply`. Stops by itself
after SECONDS (default 300)."""
import http.server
import os
import subprocess
import sys
import tempfile
import threading

folder = os.path.abspath(sys.argv[1])
seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 300
os.makedirs(folder, exist_ok=True)


def run(*arguments):
    subprocess.run(["openssl", *arguments], cwd=folder, check=True, capture_output=True)


if not os.path.exists(os.path.join(folder, "tsa.crt")):
    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "ca.key", "-out", "ca.crt",
        "-days", "3650", "-subj", "/CN=StarCert Test Timestamp CA", "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "tsa.key", "-out", "tsa.csr",
        "-subj", "/CN=StarCert Test Timestamp Authority")
    with open(os.path.join(folder, "tsa.ext"), "w") as handle:
        handle.write("basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=critical,timeStamping\n")
    run("x509", "-req", "-in", "tsa.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial", "-out", "tsa.crt",
        "-days", "3650", "-extfile", "tsa.ext")
    with open(os.path.join(folder, "tsa.cnf"), "w") as handle:
        handle.write("""[ tsa ]
default_tsa = service
[ service ]
dir = .
serial = ./tsaserial
crypto_device = builtin
signer_cert = ./tsa.crt
certs = ./ca.crt
signer_key = ./tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256
accuracy = secs:1
ordering = no
tsa_name = no
ess_cert_id_chain = no
ess_cert_id_alg = sha256
""")
    with open(os.path.join(folder, "tsaserial"), "w") as handle:
        handle.write("01\n")

lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        query = self.rfile.read(min(length, 1 << 16))
        with lock, tempfile.TemporaryDirectory() as work:
            request = os.path.join(work, "request.tsq")
            response = os.path.join(work, "response.tsr")
            with open(request, "wb") as handle:
                handle.write(query)
            answered = subprocess.run(["openssl", "ts", "-reply", "-config", "tsa.cnf", "-queryfile", request, "-out", response],
                                      cwd=folder, capture_output=True)
            if answered.returncode != 0:
                self.send_response(500)
                self.end_headers()
                return
            body = open(response, "rb").read()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Timer(seconds, server.shutdown).start()
server.serve_forever()
