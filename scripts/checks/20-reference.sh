#!/usr/bin/env bash
# check: the independent exact reference (Python fractions) and the golden vectors it generates
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 tests/reference/test_reference.py
python3 tests/reference/make_vectors.py --check
