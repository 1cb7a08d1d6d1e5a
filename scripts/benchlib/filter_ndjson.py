"""The python3 baseline for reading and filtering an NDJSON file: count PENDING records."""
import json
import sys

count = 0
with open(sys.argv[1]) as f:
    for line in f:
        if json.loads(line)["status"] == "PENDING":
            count += 1
print(count)
