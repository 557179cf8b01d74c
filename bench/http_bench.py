#!/usr/bin/env python3
"""Drive a running Ally360 over HTTP and print throughput and latency percentiles.

Not a test: nothing is asserted. It seeds its own user, company and contacts, then runs each
scenario for a fixed number of requests over N keep-alive connections (threads).

    python3 bench/http_bench.py --base http://127.0.0.1:8000 --connections 32 --requests 5000 --contacts 10000

Scenarios: GET /health, GET /auth/me (token check + user and session read), GET /company/me
(tenant resolution through the cache + company and PDVs), GET /contacts?limit=20 (first page and a
deep page by cursor), GET /contacts?search=<number>.
"""
import argparse
import http.client
import json
import random
import re
import statistics
import threading
import time
import urllib.parse


def request(conn, method, path, token=None, body=None, headers=None):
    h = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        h["Authorization"] = "Bearer " + token
    h.update(headers or {})
    conn.request(method, path, body=json.dumps(body) if body is not None else None, headers=h)
    resp = conn.getresponse()
    data = resp.read()
    return resp.status, data


def connect(base):
    u = urllib.parse.urlparse(base)
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=30)


def seed(base, contacts, log_file):
    conn = connect(base)
    email = f"bench{random.randint(1, 10**9)}@example.com"
    status, _ = request(conn, "POST", "/auth/register", body={"email": email, "password": "bench-pass-1", "profile": {"first_name": "Bench", "last_name": "Mark"}})
    assert status == 202, status
    token = None
    for _ in range(100):
        text = open(log_file, encoding="utf-8", errors="replace").read()
        found = re.findall(r"verify-email\?token=([A-Za-z0-9]+)", text[text.rfind(email) - 2000 if email in text else 0:])
        if email in text and found:
            token = found[-1]
            break
        time.sleep(0.1)
    assert token, "verification link not found in the service log (run it with the log mailer)"
    status, data = request(conn, "POST", "/auth/verify-email", body={"token": token, "auto_login": True})
    access = json.loads(data)["access_token"]
    status, data = request(conn, "POST", "/company", access, {"name": f"Bench {email}", "phone_number": f"3{random.randint(10**8, 10**9 - 1)}", "nit": f"9{random.randint(10**7, 10**8 - 1)}"})
    assert status == 201, data
    company = json.loads(data)["id"]
    status, data = request(conn, "POST", "/auth/select-company", access, {"company_id": company})
    context = json.loads(data)["access_token"]
    numbers = []
    for i in range(contacts):
        number = str(10_000_000 + i)
        numbers.append(number)
        status, data = request(conn, "POST", "/contacts", context, {"name": f"Contacto {i:06d}", "id_type": "CC", "id_number": number, "type": ["client", "provider"][i % 2:i % 2 + 1]})
        assert status == 201, data
    return context, numbers


def run(base, name, paths, token, connections, total):
    latencies = []
    lock = threading.Lock()
    counter = iter(range(total))
    errors = [0]

    def worker():
        conn = connect(base)
        local = []
        while True:
            with lock:
                i = next(counter, None)
            if i is None:
                break
            path = paths[i % len(paths)]
            t0 = time.perf_counter()
            status, _ = request(conn, "GET", path, token)
            local.append(time.perf_counter() - t0)
            if status != 200:
                errors[0] += 1
        with lock:
            latencies.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(connections)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    latencies.sort()
    q = statistics.quantiles(latencies, n=100)
    print(f"{name:<34} {total / elapsed:>9.0f} req/s   p50 {q[49] * 1000:6.2f} ms   p99 {q[98] * 1000:6.2f} ms   errors {errors[0]}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--base", default="http://127.0.0.1:8000")
    p.add_argument("--connections", type=int, default=32)
    p.add_argument("--requests", type=int, default=5000)
    p.add_argument("--contacts", type=int, default=2000)
    p.add_argument("--log", default="/tmp/ally360-bench.log", help="the service's log file (for the verification link)")
    a = p.parse_args()
    token, numbers = seed(a.base, a.contacts, a.log)
    conn = connect(a.base)
    deep = "/contacts?limit=20"
    for _ in range(a.contacts // 40):
        _, data = request(conn, "GET", deep, token)
        cursor = json.loads(data)["next_cursor"]
        deep = f"/contacts?limit=20&cursor={cursor}"
    print(f"{a.connections} connections, {a.requests} requests per scenario, {a.contacts} contacts")
    run(a.base, "GET /health", ["/health"], None, a.connections, a.requests)
    run(a.base, "GET /auth/me", ["/auth/me"], token, a.connections, a.requests)
    run(a.base, "GET /company/me", ["/company/me"], token, a.connections, a.requests)
    run(a.base, "GET /contacts?limit=20", ["/contacts?limit=20"], token, a.connections, a.requests)
    run(a.base, "GET /contacts (deep cursor page)", [deep], token, a.connections, a.requests)
    searches = [f"/contacts?search={random.choice(numbers)}" for _ in range(200)]
    run(a.base, "GET /contacts?search=<number>", searches, token, a.connections, a.requests)


if __name__ == "__main__":
    main()
