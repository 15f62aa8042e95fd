//! Parsing of the daemon's duration options (`--rtnl-work 250us`,
//! `--rtnl-contention 50ms/100ms`).

use std::time::Duration;

/// Parses a duration: a non-negative number (fractions allowed) followed by
/// `ns`, `us` (or `µs`), `ms` or `s`; a bare `0` is zero.
///
/// Examples: `250us`, `50ms`, `2s`, `1.5s`, `0`.
pub fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    if s == "0" {
        return Ok(Duration::ZERO);
    }
    let split = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(|| format!("duration {s:?} needs a unit (ns, us, ms, s)"))?;
    let (num, unit) = s.split_at(split);
    let unit_ns: u64 = match unit {
        "ns" => 1,
        "us" | "µs" => 1_000,
        "ms" => 1_000_000,
        "s" => 1_000_000_000,
        _ => {
            return Err(format!(
                "duration {s:?}: unknown unit {unit:?} (ns, us, ms, s)"
            ))
        }
    };
    if num.is_empty() {
        return Err(format!("duration {s:?} has no number"));
    }
    if let Ok(n) = num.parse::<u64>() {
        return n
            .checked_mul(unit_ns)
            .map(Duration::from_nanos)
            .ok_or_else(|| format!("duration {s:?} is too large"));
    }
    let v: f64 = num
        .parse()
        .map_err(|_| format!("duration {s:?}: bad number {num:?}"))?;
    let ns = (v * unit_ns as f64).round();
    if !ns.is_finite() || ns >= u64::MAX as f64 {
        return Err(format!("duration {s:?} is too large"));
    }
    Ok(Duration::from_nanos(ns as u64))
}

/// Parses `HOLD/PERIOD` (e.g. `50ms/100ms`): hold RTNL for HOLD at the start
/// of every PERIOD. HOLD must be positive and shorter than PERIOD (a
/// contender that never lets go would starve every other RTNL user).
pub fn parse_hold_period(s: &str) -> Result<(Duration, Duration), String> {
    let (hold, period) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: expected HOLD/PERIOD, e.g. 50ms/100ms"))?;
    let hold = parse_duration(hold)?;
    let period = parse_duration(period)?;
    if hold.is_zero() {
        return Err(format!("{s:?}: HOLD must be positive"));
    }
    if hold >= period {
        return Err(format!("{s:?}: HOLD must be shorter than PERIOD"));
    }
    Ok((hold, period))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units() {
        assert_eq!(parse_duration("250us"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("250µs"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("50ms"), Ok(Duration::from_millis(50)));
        assert_eq!(parse_duration("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_duration("1.5s"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("0.25ms"), Ok(Duration::from_micros(250)));
        assert_eq!(parse_duration("7ns"), Ok(Duration::from_nanos(7)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert_eq!(parse_duration("0ms"), Ok(Duration::ZERO));
        assert_eq!(parse_duration(" 3ms "), Ok(Duration::from_millis(3)));
    }

    #[test]
    fn rejects() {
        for bad in [
            "",
            "5",
            "ms",
            "-1ms",
            "1.2.3s",
            "5m",
            "5 ms",
            "1e3s",
            "99999999999999999999s",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn hold_period() {
        assert_eq!(
            parse_hold_period("50ms/100ms"),
            Ok((Duration::from_millis(50), Duration::from_millis(100)))
        );
        assert_eq!(
            parse_hold_period("250us/1.5s"),
            Ok((Duration::from_micros(250), Duration::from_millis(1500)))
        );
        for bad in ["50ms", "0/1s", "2s/1s", "1s/1s", "1ms/x", "/1s"] {
            assert!(parse_hold_period(bad).is_err(), "{bad:?}");
        }
    }
}
