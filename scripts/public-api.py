#!/usr/bin/env python3
"""Count the public items of the crate kaoping from rustdoc's JSON output.

Usage: cargo +nightly rustdoc -p kaoping --lib -- -Z unstable-options --output-format json
       python3 scripts/public-api.py target/doc/kaoping.json [--list]

An item counts when rustdoc lists it under a public path of the crate itself (the JSON's
`paths` with crate 0): modules, types, traits, functions, constants, macros — not fields,
variants or methods. Items behind `#[doc(hidden)]` are not in the JSON, so they do not count.
"""
import collections
import json
import sys

data = json.load(open(sys.argv[1]))
seen = collections.Counter()
names = []
for item_id, p in data["paths"].items():
    if p["crate_id"] != 0 or item_id not in data["index"]:
        continue
    kind = p["kind"]
    if kind in ("variant", "struct_field", "assoc_type", "assoc_const", "impl", "primitive"):
        continue
    seen[kind] += 1
    names.append("::".join(p["path"]) + f" ({kind})")
print(sum(seen.values()), "public items:", ", ".join(f"{k} {v}" for k, v in sorted(seen.items())))
if "--list" in sys.argv:
    print("\n".join(sorted(names)))
