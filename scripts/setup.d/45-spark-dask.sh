#!/usr/bin/env bash
# Spark and Dask for the Python module's distributed tests: a Java runtime of version 17 or later
# for PySpark (Debian's openjdk-17-jre-headless when `java` is missing or older), then pyspark and
# dask[distributed] into .venv (python/requirements-spark-dask.txt; pip runs only when that file
# changes). Runs after 40-python.sh, which makes the venv (scripts/checks/40-python.sh runs both).
set -euo pipefail
cd "$(dirname "$0")/../.."
java_major() {
    # `java -version` prints e.g. `openjdk version "17.0.15" 2025-04-15` (and "1.8.0_…" for 8).
    java -version 2>&1 | sed -n 's/.* version "\([0-9]*\)\(\.\([0-9]*\)\)\{0,1\}.*/\1 \3/p' | head -n1 |
        awk '{ print ($1 == 1 ? $2 : $1) }'
}
if ! command -v java >/dev/null 2>&1 || [ "$(java_major)" -lt 17 ]; then
    if [ "$(id -u)" -eq 0 ]; then sudo=(); else sudo=(sudo); fi
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends openjdk-17-jre-headless >/dev/null
fi
req=python/requirements-spark-dask.txt
stamp=.venv/.requirements-spark-dask.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
fi
