#!/usr/bin/env bash
# check: built-in rulebooks — samples regenerate byte-identically; each built-in has a golden case file and a docs section; embedded tests and sample tables score as marked
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 scripts/gen_samples.py --check
missing=0
for f in core/rulebooks/*.toml; do
    id=$(basename "$f" .toml)
    [ "$id" = example.county-assessment ] && continue  # the spec's example: vectors of its own
    if [ ! -f "tests/reference/cases/$id.py" ]; then
        echo "no golden case file tests/reference/cases/$id.py" >&2; missing=1
    fi
    if ! grep -q "^### \`$id\`" docs/rulebooks.md; then
        echo "docs/rulebooks.md has no section ### \`$id\`" >&2; missing=1
    fi
done
[ "$missing" = 0 ]
cargo test -q -p kaoping --locked --test builtins
