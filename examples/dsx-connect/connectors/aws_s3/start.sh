#!/bin/sh
# Runs the service with Python. Images built on a Python-less base (the
# air-gapped test base is busybox) answer the same JSON from busybox httpd.
set -e
cd /app
if command -v python3 >/dev/null 2>&1; then exec python3 server.py; fi
version=$(sed -n 's/^CONNECTOR_VERSION = "\(.*\)"/\1/p' version.py)
mkdir -p www
printf '{"service": "%s", "version": "%s"}' "aws-s3-connector" "$version" > www/index.html
exec httpd -f -p "${PORT:-8620}" -h www
