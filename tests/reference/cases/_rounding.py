"""Shared template for the six rounding-<mode> vectors (not a case file itself).

Leaves (10 points each, scale 2):
  leaf      v                     rounded at the leaf (after the clamp)
  third     v / 3                 a repeating value
  neg       round(-v, 2) + 5      round() in an expression on a negative value
  whole     round(v, 0)           round() to 0 places
  negwhole  round(-v, 0) + 5
"""

TEMPLATE = '''
[rulebook]
id = "vec.rounding-@MODE@"
version = "1"
scale = 2
rounding = "@MODE@"

[inputs]
v = { type = "decimal" }

[[indicator]]
id = "leaf"
label = "v"
points = 10
formula = "v"

[[indicator]]
id = "third"
label = "v / 3"
points = 10
formula = "v / 3"

[[indicator]]
id = "neg"
label = "round(-v, 2) + 5"
points = 10
formula = "round(-v, 2) + 5"

[[indicator]]
id = "whole"
label = "round(v, 0)"
points = 10
formula = "round(v, 0)"

[[indicator]]
id = "negwhole"
label = "round(-v, 0) + 5"
points = 10
formula = "round(-v, 0) + 5"
'''

VALUES = ["0.125", "0.135", "0.115", "0.145", "0.1251", "0.1249", "0.12", "1", "2", "2.5", "3.5", "0.5", "1.005"]

# Hand-worked: mode -> v -> {indicator: published points}
#   leaf 0.125: half_up .13, half_even .12, down .12, up .13, floor .12, ceiling .13
#   neg  0.125: round(-0.125, 2) = half_up -.13, half_even -.12, down -.12, up -.13, floor -.13, ceiling -.12; + 5
#   third 1 = 0.333..: up/ceiling .34, others .33;  third 2 = 0.666..: down/floor .66, others .67
#   whole 2.5: half_up 3, half_even 2, down 2, up 3, floor 2, ceiling 3
#   negwhole 2.5: round(-2.5, 0) = half_up -3, half_even -2, down -2, up -3, floor -3, ceiling -2; + 5
#   leaf 0.135: half_even .14 (4 is even); 0.145: half_even .14
#   leaf 0.1251 / 0.1249: half modes .13 / .12; directed modes as usual
HAND = {
    "half_up": {
        "0.125": {"leaf": "0.13", "neg": "4.87"}, "0.135": {"leaf": "0.14"}, "0.145": {"leaf": "0.15"},
        "0.1249": {"leaf": "0.12"}, "1": {"third": "0.33"}, "2": {"third": "0.67"},
        "2.5": {"whole": "3.00", "negwhole": "2.00"}, "3.5": {"whole": "4.00", "negwhole": "1.00"},
        "0.5": {"whole": "1.00", "negwhole": "4.00"},
    },
    "half_even": {
        "0.125": {"leaf": "0.12", "neg": "4.88"}, "0.135": {"leaf": "0.14", "neg": "4.86"},
        "0.145": {"leaf": "0.14"}, "0.115": {"leaf": "0.12"}, "0.1251": {"leaf": "0.13"},
        "1": {"third": "0.33"}, "2": {"third": "0.67"},
        "2.5": {"whole": "2.00", "negwhole": "3.00"}, "3.5": {"whole": "4.00", "negwhole": "1.00"},
        "0.5": {"whole": "0.00", "negwhole": "5.00"},
    },
    "down": {
        "0.125": {"leaf": "0.12", "neg": "4.88"}, "0.1251": {"leaf": "0.12"}, "1": {"third": "0.33"},
        "2": {"third": "0.66"}, "2.5": {"whole": "2.00", "negwhole": "3.00"}, "1.005": {"leaf": "1.00"},
    },
    "up": {
        "0.125": {"leaf": "0.13", "neg": "4.87"}, "0.1249": {"leaf": "0.13"}, "1": {"third": "0.34"},
        "2": {"third": "0.67"}, "2.5": {"whole": "3.00", "negwhole": "2.00"}, "0.12": {"leaf": "0.12"},
    },
    "floor": {
        "0.125": {"leaf": "0.12", "neg": "4.87"}, "1": {"third": "0.33"}, "2": {"third": "0.66"},
        "2.5": {"whole": "2.00", "negwhole": "2.00"},
    },
    "ceiling": {
        "0.125": {"leaf": "0.13", "neg": "4.88"}, "1": {"third": "0.34"}, "2": {"third": "0.67"},
        "2.5": {"whole": "3.00", "negwhole": "3.00"},
    },
}


def vector(mode):
    cases = []
    for v in VALUES:
        c = {"name": f"v = {v}", "record": {"v": v}}
        if v in HAND[mode]:
            c["expect"] = {"points": HAND[mode][v]}
        cases.append(c)
    return {
        "about": f"rounding = \"{mode}\" (§2) at scale 2: leaf rounding after the clamp on positive midpoints, "
                 f"just above and below them and on repeating values; round(x, n) in expressions on negative "
                 f"values and to 0 places (the rulebook's mode, §16).",
        "rulebook": TEMPLATE.replace("@MODE@", mode),
        "cases": cases,
    }
