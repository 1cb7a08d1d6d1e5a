"""Renders benchmark results (key=value lines) into docs/performance.md.

Figures from parts not run this time are kept from the previous report, which stores its
raw figures in a comment at its end; each section says when it was measured.

usage: report.py RESULTS PERFORMANCE_MD
"""
import datetime
import os
import platform
import re
import sys

results_path, out_path = sys.argv[1], sys.argv[2]
today = datetime.date.today().isoformat()

old = {}
if os.path.exists(out_path):
    m = re.search(r"<!-- raw\n(.*?)\n-->", open(out_path).read(), re.S)
    if m:
        for line in m.group(1).splitlines():
            k, _, v = line.partition("=")
            old[k] = v
new = {}
for line in open(results_path):
    k, _, v = line.strip().partition("=")
    if k:
        new[k] = v
for k in list(new):
    new.setdefault(k.split("_")[0] + "_date", today)
data = {**old, **new}


def f(key, fmt="{:.3f}"):
    v = data.get(key)
    if v in (None, ""):
        return "not measured"
    try:
        return fmt.format(float(v))
    except ValueError:
        return v


def ratio(a, b, fmt="{:.2f}"):
    try:
        return fmt.format(float(data[a]) / float(data[b]))
    except (KeyError, ValueError, ZeroDivisionError):
        return "n/a"


def verdict(ok):
    return "met" if ok else "**not met**"


def check(expr):
    try:
        return verdict(expr())
    except (KeyError, ValueError, ZeroDivisionError):
        return "not measured"


def bulk_bound():
    try:
        return "{:.2f}".format(1.15 * float(data["bulk_n"]) / float(data["bulk_rate"]))
    except (KeyError, ValueError, ZeroDivisionError):
        return "-"


lines = [
    "# Performance",
    "",
    "Figures from `./scripts/bench`, which runs astrosh and its baseline side by side in one",
    "run on the same machine (%s, %d cores), release build, loopback only. Rerun it to" % (platform.platform(), os.cpu_count()),
    "refresh them; each section names the day it was measured.",
    "",
    "## Language (measured %s)" % data.get("startup_date", "never"),
    "",
    "| task | astrosh (s) | python3 (s) | astrosh / python3 | goal (astrosh <= python3) |",
    "| --- | --- | --- | --- | --- |",
    "| start-up: `-c 'print 1'` | %s | %s | %s | %s |" % (
        f("startup_astrosh"), f("startup_python"), ratio("startup_astrosh", "startup_python"),
        check(lambda: float(data["startup_astrosh"]) <= float(data["startup_python"]))),
    "| 1,000,000-item range, where, each, reduce | %s | %s | %s | %s |" % (
        f("pipeline_astrosh"), f("pipeline_python"), ratio("pipeline_astrosh", "pipeline_python"),
        check(lambda: float(data["pipeline_astrosh"]) <= float(data["pipeline_python"]))),
    "| read and filter a 50 MB NDJSON file | %s | %s | %s | %s |" % (
        f("ndjson_astrosh"), f("ndjson_python"), ratio("ndjson_astrosh", "ndjson_python"),
        check(lambda: float(data["ndjson_astrosh"]) <= float(data["ndjson_python"]))),
    "",
    "The python3 baselines: `print(1)`; `functools.reduce` over `map` and `filter` with",
    "lambdas on `range`; a loop of `json.loads` per line (scripts/benchlib/).",
    "",
    "## The emulator (measured %s)" % data.get("serve_date", "never"),
    "",
    "`astrosh serve` answering GET of one managed domain under `wrk -t2 -c32 -d5s`: **%s requests/s**." % f("serve_rps", "{:.0f}"),
    "",
    "## Bulk work (measured %s)" % data.get("bulk_date", "never"),
    "",
    "Verifying N pending domains against `astrosh serve` limiting POST to R requests/s",
    "(the client's own limiter at its default, the documented 5 POST/s):",
    "",
    "| N | R | seconds | bound 1.15 x N/R | POSTs seen | answered 429 | goal |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    "| %s | %s | %s | %s | %s | %s | %s |" % (
        data.get("bulk_n", "-"), data.get("bulk_rate", "-"), f("bulk_seconds", "{:.2f}"),
        bulk_bound(),
        data.get("bulk_posts", "-"), data.get("bulk_429", "-"),
        check(lambda: float(data["bulk_seconds"]) <= 1.15 * float(data["bulk_n"]) / float(data["bulk_rate"])
              and float(data["bulk_429"]) < 0.02 * max(1.0, float(data["bulk_posts"])))),
    "",
    "Unthrottled GETs of one domain (measured %s):" % data.get("throughput_date", "never"),
    "",
    "| client | requests/s | astrosh relative |",
    "| --- | --- | --- |",
    "| wrk -t2 -c32 | %s | %s (goal >= 0.70: %s) |" % (
        f("throughput_wrk", "{:.0f}"), ratio("throughput_astrosh", "throughput_wrk"),
        check(lambda: float(data["throughput_astrosh"]) >= 0.7 * float(data["throughput_wrk"]))),
    "| astrosh, pipeline-fed `get_managed_domain --parallel 32` | %s | 1.00 |" % f("throughput_astrosh", "{:.0f}"),
    "| python3 requests, sequential loop | %s | %s (goal >= 5: %s) |" % (
        f("throughput_python", "{:.0f}"), ratio("throughput_astrosh", "throughput_python"),
        check(lambda: float(data["throughput_astrosh"]) >= 5 * float(data["throughput_python"]))),
    "",
    "wrk and astrosh are the medians of three rounds taken in turns (requests/s: %s);" % data.get("throughput_rounds", "-"),
    "astrosh sends 20,000 requests per round, python 3,000.",
    "",
    "## Memory (measured %s)" % data.get("memory_date", "never"),
    "",
    "Peak resident memory of `get_organization_audit_logs --earliest 90 | where method == \"POST\" | length`",
    "while %s audit records stream from `astrosh serve --audit-events 1000000`: **%s MB** in %s (goal: under 100 MB, %s)." % (
        data.get("memory_records", "-") and "1,000,000", f("memory_kb", "{:.0f}") if "memory_kb" not in data else "{:.0f}".format(float(data["memory_kb"]) / 1024),
        data.get("memory_seconds", "-"),
        check(lambda: float(data["memory_kb"]) / 1024 < 100)),
    "",
    "<!-- raw",
    "\n".join("%s=%s" % kv for kv in sorted(data.items())),
    "-->",
    "",
]
open(out_path, "w").write("\n".join(lines))
