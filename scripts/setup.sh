#!/usr/bin/env bash
# Install what the project needs on a fresh machine of this kind. Idempotent; each part lives in
# scripts/setup.d/ and runs in name order.
set -euo pipefail
cd "$(dirname "$0")/.."
for part in scripts/setup.d/*.sh; do
    bash "$part"
done
