//! [`Ratio`]: an exact rational number, and the one rounding rule of the spec.
//!
//! Every score is kept as a `Ratio` until output. Only [`Ratio::round_dp`]
//! turns it into a [`Decimal`], rounding half away from zero (spec 0.2).

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;

/// An exact rational number `numer / denom`, always reduced, `denom > 0`.
///
/// Arithmetic is checked: an operation whose exact result does not fit in
/// `i128` returns `None` instead of losing precision. Questionnaire scores
/// never come near that limit; only absurd PPT inputs can.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Deserialize)]
#[serde(try_from = "String")]
pub struct Ratio {
    numer: i128,
    denom: i128,
}

/// The text was not a plain decimal number, or had too many digits to hold
/// exactly.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an exact decimal number: {0:?}")]
pub struct ParseRatioError(String);

impl Ratio {
    /// Zero.
    pub const ZERO: Self = Self { numer: 0, denom: 1 };

    /// `numer / denom`, reduced; `None` when `denom` is 0.
    pub fn new(numer: i128, denom: i128) -> Option<Self> {
        if denom == 0 {
            return None;
        }
        let (numer, denom) = if denom < 0 {
            (numer.checked_neg()?, denom.checked_neg()?)
        } else {
            (numer, denom)
        };
        let g = gcd(numer.unsigned_abs(), denom.unsigned_abs());
        // `g` divides `denom`, so it is at most `denom` and fits in i128.
        let g = i128::try_from(g).ok()?;
        Some(Self {
            numer: numer / g,
            denom: denom / g,
        })
    }

    /// A whole number.
    pub const fn from_integer(n: i128) -> Self {
        Self { numer: n, denom: 1 }
    }

    /// The reduced numerator (carries the sign).
    pub const fn numer(self) -> i128 {
        self.numer
    }

    /// The reduced denominator (always positive).
    pub const fn denom(self) -> i128 {
        self.denom
    }

    /// Whether this is a whole number.
    pub const fn is_integer(self) -> bool {
        self.denom == 1
    }

    /// `self + other`, exactly.
    pub fn checked_add(self, other: Self) -> Option<Self> {
        let g = i128::try_from(gcd(self.denom.unsigned_abs(), other.denom.unsigned_abs())).ok()?;
        let left = self.numer.checked_mul(other.denom / g)?;
        let right = other.numer.checked_mul(self.denom / g)?;
        Self::new(left.checked_add(right)?, (self.denom / g).checked_mul(other.denom)?)
    }

    /// `self - other`, exactly.
    pub fn checked_sub(self, other: Self) -> Option<Self> {
        self.checked_add(other.checked_neg()?)
    }

    /// `self × other`, exactly.
    pub fn checked_mul(self, other: Self) -> Option<Self> {
        // Cross-reduce first to keep the intermediates small.
        let g1 = i128::try_from(gcd(self.numer.unsigned_abs(), other.denom.unsigned_abs())).ok()?;
        let g2 = i128::try_from(gcd(other.numer.unsigned_abs(), self.denom.unsigned_abs())).ok()?;
        Self::new(
            (self.numer / g1).checked_mul(other.numer / g2)?,
            (self.denom / g2).checked_mul(other.denom / g1)?,
        )
    }

    /// `self / other`, exactly; `None` also when `other` is zero.
    pub fn checked_div(self, other: Self) -> Option<Self> {
        self.checked_mul(Self::new(other.denom, other.numer)?)
    }

    /// `-self`.
    pub fn checked_neg(self) -> Option<Self> {
        Some(Self {
            numer: self.numer.checked_neg()?,
            denom: self.denom,
        })
    }

    /// `|self|`.
    pub fn checked_abs(self) -> Option<Self> {
        Some(Self {
            numer: self.numer.checked_abs()?,
            denom: self.denom,
        })
    }

    /// Rounds to `dp` decimal places, half away from zero (spec 0.2), with
    /// exact integer arithmetic. `None` only when the result is outside the
    /// range of [`Decimal`].
    pub fn round_dp(self, dp: u32) -> Option<Decimal> {
        let scale = 10_i128.checked_pow(dp)?;
        // self = whole + rem / denom, both parts carrying the sign of numer.
        let whole = self.numer / self.denom;
        let rem = self.numer % self.denom;
        // |rem| < denom, and the scaled remainder is split the same way.
        let scaled_rem = rem.checked_mul(scale)?;
        let mut mantissa = whole.checked_mul(scale)?.checked_add(scaled_rem / self.denom)?;
        let left_over = (scaled_rem % self.denom).unsigned_abs();
        // Tie or above: 2·left_over ≥ denom, written so that it cannot overflow.
        if left_over >= self.denom.unsigned_abs() - left_over {
            mantissa = mantissa.checked_add(self.numer.signum())?;
        }
        Decimal::try_from_i128_with_scale(mantissa, dp).ok()
    }
}

impl Default for Ratio {
    fn default() -> Self {
        Self::ZERO
    }
}

impl From<i64> for Ratio {
    fn from(n: i64) -> Self {
        Self::from_integer(i128::from(n))
    }
}

impl From<u32> for Ratio {
    fn from(n: u32) -> Self {
        Self::from_integer(i128::from(n))
    }
}

impl From<Decimal> for Ratio {
    /// Exact: a `Decimal` is `mantissa / 10^scale` with scale ≤ 28, which
    /// always fits.
    fn from(d: Decimal) -> Self {
        let denom = 10_i128.pow(d.scale());
        Self::new(d.mantissa(), denom).unwrap_or(Self::ZERO)
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_fractions(self.numer, self.denom, other.numer, other.denom)
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Compares `a/b` with `c/d` (`b, d > 0`) by continued fractions, so no
/// product can overflow.
fn cmp_fractions(mut a: i128, mut b: i128, mut c: i128, mut d: i128) -> Ordering {
    loop {
        let (q1, r1) = (a.div_euclid(b), a.rem_euclid(b));
        let (q2, r2) = (c.div_euclid(d), c.rem_euclid(d));
        if q1 != q2 {
            return q1.cmp(&q2);
        }
        match (r1 == 0, r2 == 0) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            // r1/b vs r2/d has the same order as d/r2 vs b/r1.
            (false, false) => (a, b, c, d) = (d, r2, b, r1),
        }
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl Ratio {
    /// Decimal places of the exact decimal expansion, if it terminates
    /// (the denominator has no prime factor but 2 and 5).
    fn terminating_places(self) -> Option<u32> {
        let (mut rest, mut twos, mut fives) = (self.denom, 0, 0);
        while rest % 2 == 0 {
            rest /= 2;
            twos += 1;
        }
        while rest % 5 == 0 {
            rest /= 5;
            fives += 1;
        }
        (rest == 1).then_some(u32::max(twos, fives))
    }
}

impl fmt::Display for Ratio {
    /// Exact: `-3`, `2.5` when the decimal expansion terminates (and fits a
    /// `Decimal`), otherwise `1/3`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.terminating_places().and_then(|dp| self.round_dp(dp)) {
            Some(exact) => write!(f, "{exact}"),
            None => write!(f, "{}/{}", self.numer, self.denom),
        }
    }
}

impl FromStr for Ratio {
    type Err = ParseRatioError;

    /// Parses plain decimal text (`-12`, `3.75`, `0.30000000000000004`)
    /// exactly. Unlike `Decimal::from_str`, it never rounds excess digits:
    /// text that does not fit is an error.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let err = || ParseRatioError(text.to_owned());
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let (whole, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits_ok = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits_ok(whole) || !digits_ok(frac) || unsigned.ends_with('.') {
            return Err(err());
        }
        let mut numer: i128 = 0;
        for b in whole.bytes().chain(frac.bytes()) {
            numer = numer
                .checked_mul(10)
                .and_then(|n| n.checked_add(i128::from(b - b'0')))
                .ok_or_else(err)?;
        }
        let exp = u32::try_from(frac.len()).map_err(|_| err())?;
        let denom = 10_i128.checked_pow(exp).ok_or_else(err)?;
        let numer = if negative { -numer } else { numer };
        Self::new(numer, denom).ok_or_else(err)
    }
}

impl TryFrom<String> for Ratio {
    type Error = ParseRatioError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn r(n: i128, d: i128) -> Ratio {
        Ratio::new(n, d).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero() {
        let cases = [
            (r(17, 8), 2, "2.13"), // 2.125, where banker's rounding gives 2.12
            (r(-17, 8), 2, "-2.13"),
            (r(16 * 100, 45), 1, "35.6"), // ODI 16/45 = 35.555…
            (r(1, 20), 1, "0.1"),         // 0.05
            (r(1, 3), 2, "0.33"),
            (r(2, 3), 2, "0.67"),
            (r(-2, 3), 2, "-0.67"),
            (r(5, 2), 0, "3"),
            (r(-5, 2), 0, "-3"),
            (r(149, 100), 1, "1.5"),
            (r(144_999, 100_000), 1, "1.4"),
            (Ratio::ZERO, 1, "0.0"),
        ];
        for (value, dp, want) in cases {
            assert_eq!(value.round_dp(dp).unwrap().to_string(), want, "{value}");
        }
    }

    #[test]
    fn parses_decimal_text_exactly() {
        assert_eq!("3.7".parse::<Ratio>().unwrap(), r(37, 10));
        assert_eq!("-0.25".parse::<Ratio>().unwrap(), r(-1, 4));
        assert_eq!("98.0665".parse::<Ratio>().unwrap(), r(980_665, 10_000));
        let tiny = "0.000000000000000000000000000001";
        assert_eq!(tiny.parse::<Ratio>().unwrap(), r(1, 10_i128.pow(30)));
        for bad in ["", ".5", "5.", "1e3", "abc", "1.2.3", "--1"] {
            assert!(bad.parse::<Ratio>().is_err(), "{bad}");
        }
        let huge = "1".repeat(60);
        assert!(huge.parse::<Ratio>().is_err());
    }

    #[test]
    fn orders_without_overflow() {
        let big = r(i128::MAX, i128::MAX - 1);
        let bigger = r(i128::MAX - 1, i128::MAX - 2);
        assert!(big < bigger);
        assert!(r(1, 3) < r(34, 100));
        assert!(r(-1, 3) > r(-34, 100));
        assert_eq!(r(2, 4).cmp(&r(1, 2)), Ordering::Equal);
        assert!(r(30, 1) >= r(30, 1));
    }

    #[test]
    fn arithmetic_is_exact_and_checked() {
        assert_eq!(r(1, 3).checked_add(r(1, 6)).unwrap(), r(1, 2));
        assert_eq!(r(1, 3).checked_sub(r(1, 2)).unwrap(), r(-1, 6));
        assert_eq!(r(2, 3).checked_mul(r(9, 4)).unwrap(), r(3, 2));
        assert_eq!(r(2, 3).checked_div(r(4, 9)).unwrap(), r(3, 2));
        assert!(r(1, 2).checked_div(Ratio::ZERO).is_none());
        assert!(Ratio::from_integer(i128::MAX).checked_add(r(1, 1)).is_none());
        assert_eq!(Ratio::from(Decimal::new(-125, 2)), r(-5, 4));
    }
}
