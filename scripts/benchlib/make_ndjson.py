"""Writes a synthetic NDJSON file of managed-domain-like records, for the benchmarks.

usage: make_ndjson.py PATH MEGABYTES
"""
import json
import random
import sys

path, megabytes = sys.argv[1], float(sys.argv[2])
rng = random.Random(7)
limit = int(megabytes * 1024 * 1024)
written = 0
i = 0
with open(path, "w") as out:
    while written < limit:
        record = {
            "id": "cl%023d" % i,
            "name": "domain-%d.example.com" % i,
            "organizationId": "cldemoorg0000000000000001",
            "status": rng.choice(["PENDING", "VERIFIED", "VERIFIED"]),
            "enforcedLogins": rng.sample(["sso", "password", "google", "github"], 2),
            "createdAt": "2024-05-01T09:00:00Z",
            "updatedAt": "2024-05-02T10:30:00Z",
            "size": rng.randint(1, 1_000_000),
        }
        line = json.dumps(record, separators=(",", ":")) + "\n"
        out.write(line)
        written += len(line)
        i += 1
