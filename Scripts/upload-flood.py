"""Floods `starcert serve`'s /verify from one address and watches the server: the peak resident
memory must stay under a bound, every upload must get an answer (checked, or asked to come back),
and the certificate page keeps answering; its latency during the flood is reported.

    python3 upload-flood.py BASE_URL SERVER_PID [UPLOADS] [MiB] [LIMIT_MiB]
"""
import http.client
import statistics
import sys
import threading
import time
import urllib.parse

base, pid = sys.argv[1], int(sys.argv[2])
uploads = int(sys.argv[3]) if len(sys.argv) > 3 else 30
size = int(sys.argv[4]) if len(sys.argv) > 4 else 19
limit = int(sys.argv[5]) if len(sys.argv) > 5 else 128
host = urllib.parse.urlsplit(base)


def rss_kib(field):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


boundary = "----flood"
payload = b"%PDF-1.7\n" + b"x" * (size << 20)
body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"c.pdf\"\r\n"
        f"Content-Type: application/pdf\r\n\r\n").encode() + payload + f"\r\n--{boundary}--\r\n".encode()
statuses, failures = [], []
lock = threading.Lock()


def upload():
    try:
        connection = http.client.HTTPConnection(host.hostname, host.port, timeout=120)
        connection.request("POST", "/verify", body=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        status = connection.getresponse().status
        with lock:
            statuses.append(status)
    except Exception as error:  # a reset while sending counts only when no answer came
        with lock:
            failures.append(repr(error))


before = rss_kib("VmRSS")
peak = before
threads = [threading.Thread(target=upload) for _ in range(uploads)]
for thread in threads:
    thread.start()
latencies = []
while any(thread.is_alive() for thread in threads):
    start = time.monotonic()
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    connection.request("GET", "/c/KB-ASM-2026-000001")
    response = connection.getresponse()
    response.read()
    latencies.append((time.monotonic() - start) * 1000)
    assert response.status == 200, f"the certificate page answered {response.status} during the flood"
    peak = max(peak, rss_kib("VmRSS"))
    time.sleep(0.05)
for thread in threads:
    thread.join()
peak = max(peak, rss_kib("VmHWM"))  # the kernel's own high-water mark: no sample missed

counts = {status: statuses.count(status) for status in sorted(set(statuses))}
print(f"upload flood: {uploads} concurrent uploads of {size} MiB from one address")
print(f"  answers: {counts}; connections reset before an answer: {len(failures)}")
print(f"  server resident memory: {before // 1024} MiB before, {peak // 1024} MiB at the peak (bound {limit} MiB)")
if latencies:
    print(f"  certificate page during the flood: {len(latencies)} requests, median {statistics.median(latencies):.1f} ms, "
          f"slowest {max(latencies):.1f} ms")
problems = []
if peak // 1024 >= limit:
    problems.append(f"the server's memory reached {peak // 1024} MiB")
if set(statuses) - {200, 400, 429, 503}:
    problems.append(f"unexpected answers {counts}")
if len(statuses) + len(failures) != uploads:
    problems.append("some uploads got nothing")
if 503 not in statuses and 429 not in statuses:
    problems.append("no upload was turned away: the flood was not bounded")
for problem in problems:
    print("upload flood: " + problem, file=sys.stderr)
sys.exit(1 if problems else 0)
