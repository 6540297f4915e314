//! Decimal numbers as people type them (`4.5`, `.5`, `+2`, `1e3`), read by
//! serde_json's number parser, which the app carries anyway. `str::parse::<f64>`
//! would bring core's own float parser and its tables (about 8 KB brotli)
//! for the same answers: correctly rounded for up to 15 significant digits
//! within 22 decimal places (one rounding, by serde_json's powers of ten).

/// A finite number, or `None` (also for `inf`, `NaN` and anything else that
/// is not a plain decimal).
pub fn parse_f64(text: &str) -> Option<f64> {
    let t = text.trim();
    let (sign, body) = match t.as_bytes().first()? {
        b'-' => ("-", &t[1..]),
        b'+' => ("", &t[1..]),
        _ => ("", t),
    };
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => body.split_at(i),
        None => (body, ""),
    };
    let (int, frac) = mantissa.split_once('.').map_or((mantissa, None), |(i, f)| (i, Some(f)));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int.is_empty() && frac.is_none_or(str::is_empty)) || !digits(int) || !frac.is_none_or(digits) {
        return None;
    }
    // JSON wants no leading zeros, a digit on both sides of the point.
    let int = match int.trim_start_matches('0') {
        "" => "0",
        rest => rest,
    };
    let frac = frac.filter(|f| !f.is_empty()).map(|f| format!(".{f}")).unwrap_or_default();
    // Through `Value`: the reader the app has already (a typed one would be a second).
    serde_json::from_str::<serde_json::Value>(&format!("{sign}{int}{frac}{exp}")).ok()?.as_f64().filter(|x| x.is_finite())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::parse_f64;
    use proptest::prelude::*;

    #[test]
    fn reads_what_people_type() {
        for (text, want) in [("4.5", 4.5), (" 2 ", 2.0), ("+3", 3.0), ("-1.25", -1.25), (".5", 0.5), ("5.", 5.0), ("-.5", -0.5), ("007.50", 7.5), ("1e3", 1000.0), ("2.5E-1", 0.25), ("0", 0.0)] {
            assert_eq!(parse_f64(text), Some(want), "{text}");
        }
        for text in ["", " ", "-", "+", ".", "-.", "abc", "4,5", "1.2.3", "1e", "e3", "--1", "+-1", "inf", "NaN", "infinity", "0x10", "1e999", "4.5x", "٣"] {
            assert_eq!(parse_f64(text), None, "{text}");
        }
    }

    proptest! {
        /// The same value as `str::parse` for up to 15 significant digits
        /// (with the point and the exponent within 22 places).
        #[test]
        fn agrees_with_std(int in 0u64..10_000_000, frac in proptest::option::of(0u64..100_000_000), neg: bool, exp in proptest::option::of(-10i32..10)) {
            let mut s = format!("{}{int}", if neg { "-" } else { "" });
            if let Some(f) = frac { s.push_str(&format!(".{f}")); }
            if let Some(e) = exp { s.push_str(&format!("e{e}")); }
            prop_assert_eq!(parse_f64(&s), s.parse::<f64>().ok(), "{}", s);
        }
    }
}
