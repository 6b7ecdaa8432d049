//! Score the bundled example rulebook on a few counties and print their explanations.
//!
//!     cargo run -p kaoping --example score [-- en]

use kaoping::{Lang, Rulebook, ScoreOptions};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let lang: Lang = std::env::args().nth(1).map_or(Ok(Lang::Zh), |a| a.parse())?;
    let rb = Rulebook::builtin("example.county-assessment")?;
    let report = rb.run_tests();
    println!(
        "{} {} — embedded tests: {} passed, {} failed\n",
        rb.id(),
        rb.version(),
        report.passed,
        report.run - report.passed
    );

    let counties = [
        r#"{"county": "示例县", "region": "凉山彝区", "population": 100000, "poor_population": 3000,
            "income_growth": "6", "sampled": 320, "satisfied": 266, "expert_marks": ["7", "8", "9", "6", "10"]}"#,
        r#"{"county": "乙县", "region": "片区外", "population": 250000, "poor_population": 4100,
            "income_growth": "11.5", "sampled": 400, "satisfied": 371, "audit_issues": 1, "awards": 2,
            "expert_marks": ["8.5", "9", "9.5", "7"]}"#,
        r#"{"county": "丙县", "region": "秦巴山区", "population": 80000, "poor_population": 900,
            "income_growth": "9", "sampled": 200, "satisfied": 190, "falsified": true}"#,
    ];
    for json in counties {
        let outcome = rb.score_json(json, &ScoreOptions::default())?;
        println!("{}", kaoping::explain(&outcome, lang));
    }
    Ok(())
}
