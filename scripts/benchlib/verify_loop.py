"""The baseline for bulk calls: a sequential loop with requests, the way the generated
Python client is used. Lists the domains of an organization, then GETs each one N times.

usage: verify_loop.py BASE_URL ORG COUNT
"""
import sys

import requests

base, org, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
session = requests.Session()
session.headers["Authorization"] = "Bearer bench"
domains = session.get(f"{base}/organizations/{org}/domains").json()
done = 0
while done < count:
    for d in domains:
        if done == count:
            break
        r = session.get(f"{base}/organizations/{org}/domains/{d['id']}")
        r.raise_for_status()
        done += 1
print(done)
