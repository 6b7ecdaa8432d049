//! Inline SVG charts drawn by hand (no scripts, no fonts or files fetched at view time): a
//! histogram, a stacked share bar, horizontal bars, and a radar. Coordinates are rounded to one
//! decimal so the output is stable and small.

use std::fmt::Write as _;

use super::html::esc;

/// One bar of a chart.
pub struct Bar {
    /// Label under or beside the bar.
    pub label: String,
    /// Length, in the chart's unit.
    pub value: f64,
    /// Text shown at the end of the bar.
    pub text: String,
    /// Fill colour.
    pub color: String,
    /// Extra attributes on the bar's `<rect>` (class, data-*).
    pub attrs: String,
}

fn r1(x: f64) -> String {
    let v = (x * 10.0).round() / 10.0;
    if v == v.trunc() { format!("{}", v as i64) } else { format!("{v:.1}") }
}

/// A vertical histogram: one bar per bin, labels under the bars.
pub fn histogram(bars: &[Bar], title: &str) -> String {
    let (w, h, left, bottom, top) = (640.0, 240.0, 40.0, 40.0, 16.0);
    // Whole-number ticks: the axis top is four equal whole steps.
    let step = (bars.iter().map(|b| b.value).fold(0.0, f64::max) / 4.0).ceil().max(1.0);
    let max = step * 4.0;
    let n = bars.len().max(1) as f64;
    let slot = (w - left - 10.0) / n;
    let mut s = format!(
        r#"<svg class="chart histogram" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{}">"#,
        esc(title)
    );
    let base = h - bottom;
    let _ = write!(s, r##"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" stroke="#888"/>"##, w - 10.0);
    for k in 0..=4 {
        let v = max * k as f64 / 4.0;
        let y = base - (base - top) * k as f64 / 4.0;
        let _ = write!(
            s,
            r##"<line x1="{left}" y1="{}" x2="{}" y2="{}" stroke="#eee"/><text x="{}" y="{}" class="axis" text-anchor="end">{}</text>"##,
            r1(y),
            w - 10.0,
            r1(y),
            left - 4.0,
            r1(y + 4.0),
            r1(v)
        );
    }
    for (i, b) in bars.iter().enumerate() {
        let bh = (base - top) * b.value / max;
        let x = left + slot * i as f64 + 2.0;
        let _ = write!(
            s,
            r#"<rect {} x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>"#,
            b.attrs,
            r1(x),
            r1(base - bh),
            r1(slot - 4.0),
            r1(bh),
            b.color,
            esc(&format!("{}: {}", b.label, b.text))
        );
        if b.value > 0.0 {
            let _ = write!(
                s,
                r#"<text x="{}" y="{}" class="value" text-anchor="middle">{}</text>"#,
                r1(x + (slot - 4.0) / 2.0),
                r1(base - bh - 3.0),
                esc(&b.text)
            );
        }
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="axis" text-anchor="middle">{}</text>"#,
            r1(x + (slot - 4.0) / 2.0),
            r1(base + 14.0),
            esc(&b.label)
        );
    }
    s.push_str("</svg>");
    s
}

/// Horizontal bars, one per line, labels on the left and values at the end.
pub fn hbars(bars: &[Bar], title: &str, label_width: f64) -> String {
    let (w, row) = (720.0, 24.0);
    let h = row * bars.len() as f64 + 10.0;
    let room = w - label_width - 190.0;
    let max = bars.iter().map(|b| b.value).fold(0.0, f64::max).max(f64::MIN_POSITIVE);
    let mut s = format!(
        r#"<svg class="chart hbars" viewBox="0 0 {w} {}" width="{w}" height="{}" role="img" aria-label="{}">"#,
        r1(h),
        r1(h),
        esc(title)
    );
    for (i, b) in bars.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let len = if max > 0.0 { room * b.value / max } else { 0.0 };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="label" text-anchor="end">{}</text><rect {} x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect><text x="{}" y="{}" class="value">{}</text>"#,
            label_width - 6.0,
            r1(y + row * 0.62),
            esc(&b.label),
            b.attrs,
            label_width,
            r1(y + 3.0),
            r1(len.max(1.0)),
            r1(row - 8.0),
            b.color,
            esc(&format!("{}: {}", b.label, b.text)),
            r1(label_width + len + 6.0),
            r1(y + row * 0.62),
            esc(&b.text)
        );
    }
    s.push_str("</svg>");
    s
}

/// A radar of shares (0..=1) on `axes.len()` axes (at least 3); `None` marks an axis that does not
/// apply (drawn at 0, its label marked).
pub fn radar(axes: &[(String, Option<f64>)], color: &str, title: &str) -> String {
    let (w, hgt, cx, cy, r) = (440.0, 300.0, 220.0, 150.0, 95.0);
    let n = axes.len();
    let angle = |i: usize| -std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * i as f64 / n as f64;
    let point = |i: usize, f: f64| (cx + r * f * angle(i).cos(), cy + r * f * angle(i).sin());
    let mut s = format!(
        r#"<svg class="chart radar" viewBox="0 0 {w} {hgt}" width="{w}" height="{hgt}" role="img" aria-label="{}">"#,
        esc(title)
    );
    for ring in [0.25, 0.5, 0.75, 1.0] {
        let pts: Vec<String> = (0..n)
            .map(|i| {
                let (x, y) = point(i, ring);
                format!("{},{}", r1(x), r1(y))
            })
            .collect();
        let _ = write!(s, r##"<polygon points="{}" fill="none" stroke="#ddd"/>"##, pts.join(" "));
    }
    for (i, (label, share)) in axes.iter().enumerate() {
        let (x, y) = point(i, 1.0);
        let _ = write!(s, r##"<line x1="{cx}" y1="{cy}" x2="{}" y2="{}" stroke="#ccc"/>"##, r1(x), r1(y));
        let (lx, ly) = point(i, 1.16);
        let anchor = if (lx - cx).abs() < 8.0 {
            "middle"
        } else if lx > cx {
            "start"
        } else {
            "end"
        };
        let shown = match share {
            Some(f) => format!("{label} {:.0}%", f * 100.0),
            None => format!("{label}（不适用）"),
        };
        let _ = write!(
            s,
            r#"<text x="{}" y="{}" class="label" text-anchor="{anchor}">{}</text>"#,
            r1(lx),
            r1(ly + 4.0),
            esc(&shown)
        );
    }
    let pts: Vec<String> = axes
        .iter()
        .enumerate()
        .map(|(i, (_, f))| {
            let (x, y) = point(i, f.unwrap_or(0.0).clamp(0.0, 1.0));
            format!("{},{}", r1(x), r1(y))
        })
        .collect();
    let _ = write!(
        s,
        r#"<polygon class="radar-area" points="{}" fill="{color}" fill-opacity="0.35" stroke="{color}" stroke-width="2"/>"#,
        pts.join(" ")
    );
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radar_points_lie_on_their_axes() {
        let axes = vec![("甲".to_owned(), Some(1.0)), ("乙".to_owned(), Some(0.5)), ("丙".to_owned(), None)];
        let svg = radar(&axes, "#123456", "t");
        // Axis 0 points straight up: full share is r = 95 above the centre (220, 55).
        assert!(svg.contains(r#"class="radar-area" points="220,55 "#), "{svg}");
        assert!(svg.contains("丙（不适用）"));
        assert!(svg.contains("乙 50%"));
    }

    #[test]
    fn bars_scale_to_the_largest() {
        let bar = |v: f64| Bar {
            label: "x".into(),
            value: v,
            text: v.to_string(),
            color: "#000".into(),
            attrs: r#"class="b""#.into(),
        };
        let svg = hbars(&[bar(2.0), bar(1.0)], "t", 200.0);
        // room = 720 − 200 − 190 = 330; the larger bar takes it all, the other half.
        assert!(svg.contains(r#"width="330""#), "{svg}");
        assert!(svg.contains(r#"width="165""#), "{svg}");
        assert_eq!(svg.matches(r#"class="b""#).count(), 2);
    }

    #[test]
    fn text_is_escaped() {
        let svg = hbars(
            &[Bar {
                label: "<a&b>".into(),
                value: 1.0,
                text: "1".into(),
                color: "#000".into(),
                attrs: String::new(),
            }],
            "t",
            100.0,
        );
        assert!(svg.contains("&lt;a&amp;b&gt;") && !svg.contains("<a&b>"));
    }
}
