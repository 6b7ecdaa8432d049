#!/usr/bin/env bash
# Python: a virtual environment at .venv with what building and testing the module needs
# (python/requirements-dev.txt). Quick when already done: pip runs only when that file changes.
set -euo pipefail
cd "$(dirname "$0")/../.."
req=python/requirements-dev.txt
stamp=.venv/.requirements-dev.sha256
if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
fi
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$want" > "$stamp"
fi
