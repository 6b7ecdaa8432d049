// The expression parser, the document tree and the exact arithmetic are not part of the API.
use kaoping::expr::parse;
use kaoping::syntax::Value;
use kaoping::num::round_div_i128;

fn main() {}
