//! Mask rules: how a `masked` value is shown (DESIGN.md, mask rules).
//!
//! A masked value never reveals more than its rule. Where the length is not already public
//! from the format (names, e-mails, addresses, free text) the mask uses a fixed number of `*`
//! so it does not leak the length; nothing truncated is replaced by an unkeyed hash.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::fmt::Write;

use crate::model::MaskRule;

/// The fixed mask for anything whose length must not show.
pub const FIXED: &str = "***";

/// Administrative-unit suffixes of Chinese addresses (province, city, district...).
/// `州` ends a unit only in `自治州` (杭州 and 广州 are names, not units).
const ADMIN_SUFFIXES: [char; 6] = ['省', '市', '区', '县', '旗', '盟'];

fn first_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => s.get(..i).unwrap_or(s),
        None => s,
    }
}

fn last_chars(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    if count <= n {
        return s;
    }
    match s.char_indices().nth(count - n) {
        Some((i, _)) => s.get(i..).unwrap_or(""),
        None => "",
    }
}

fn stars(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n('*', n));
}

/// Keeps the first `head` and last `tail` characters with `*` for the rest (the format's length
/// is public, e.g. phone and card numbers); too short values are fully masked.
fn keep_ends(out: &mut String, v: &str, head: usize, tail: usize, min_len: usize) {
    let n = v.chars().count();
    if n < min_len.max(head + tail + 1) {
        out.push_str(FIXED);
        return;
    }
    out.push_str(first_chars(v, head));
    stars(out, n - head - tail);
    out.push_str(last_chars(v, tail));
}

/// Province, city and district (up to `units` administrative units) of an address, or `None`.
fn address_prefix(v: &str, units: usize) -> Option<&str> {
    let mut found = 0;
    let mut end = None;
    for (i, c) in v.char_indices().take(24) {
        let autonomous_prefecture = c == '州' && v.get(..i).is_some_and(|p| p.ends_with("自治"));
        if ADMIN_SUFFIXES.contains(&c) || autonomous_prefecture {
            found += 1;
            end = Some(i + c.len_utf8());
            if found == units {
                break;
            }
        }
    }
    end.and_then(|e| v.get(..e))
}

/// Parses `1,234.5`, `1234元`, `12万`, `1.5亿`; anything else is not an amount.
fn parse_amount(v: &str) -> Option<f64> {
    let t: String = v
        .chars()
        .filter(|c| *c != ',' && !c.is_whitespace())
        .collect();
    let t = t.strip_suffix('元').unwrap_or(&t);
    let (num, factor) = if let Some(n) = t.strip_suffix('万') {
        (n, 10_000.0)
    } else if let Some(n) = t.strip_suffix('亿') {
        (n, 100_000_000.0)
    } else {
        (t, 1.0)
    };
    if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    num.parse::<f64>().ok().map(|x| x * factor)
}

fn amount_range(out: &mut String, v: &str) {
    let Some(x) = parse_amount(v) else {
        out.push_str(FIXED);
        return;
    };
    let bucket = match x {
        x if !x.is_finite() || x < 0.0 => FIXED,
        x if x < 10_000.0 => "1万以下",
        x if x < 100_000.0 => "1万-10万",
        x if x < 500_000.0 => "10万-50万",
        x if x < 1_000_000.0 => "50万-100万",
        x if x < 5_000_000.0 => "100万-500万",
        x if x < 10_000_000.0 => "500万-1000万",
        _ => "1000万以上",
    };
    out.push_str(bucket);
}

/// Appends the masked form of `value` under `rule` to `out`. `key` keys the `hash` rule.
pub fn mask_into(out: &mut String, rule: MaskRule, value: &str, key: &[u8]) {
    let v = value.trim();
    if v.is_empty() {
        return;
    }
    match rule {
        MaskRule::Name => {
            out.push_str(first_chars(v, 1));
            out.push_str("**");
        }
        MaskRule::NameFull | MaskRule::AmountFull | MaskRule::Full => out.push_str(FIXED),
        MaskRule::Mobile => keep_ends(out, v, 3, 4, 8),
        MaskRule::MobileLast4 => keep_ends(out, v, 0, 4, 8),
        MaskRule::IdCard => keep_ends(out, v, 6, 4, 15),
        MaskRule::IdCardStrict => keep_ends(out, v, 1, 1, 15),
        MaskRule::BankCard => keep_ends(out, v, 6, 4, 12),
        MaskRule::BankCardLast4 => {
            if v.chars().count() < 8 {
                out.push_str(FIXED);
            } else {
                out.push_str("****");
                out.push_str(last_chars(v, 4));
            }
        }
        MaskRule::Email | MaskRule::EmailDomain => match v.rsplit_once('@') {
            Some((local, domain)) if !local.is_empty() && !domain.is_empty() => {
                if rule == MaskRule::Email {
                    out.push_str(first_chars(local, 1));
                }
                out.push_str(FIXED);
                out.push('@');
                out.push_str(domain);
            }
            _ => out.push_str(FIXED),
        },
        MaskRule::Address | MaskRule::AddressProvince => {
            let units = if rule == MaskRule::Address { 3 } else { 1 };
            if let Some(p) = address_prefix(v, units) {
                out.push_str(p);
            }
            out.push_str(FIXED);
        }
        MaskRule::AmountRange => amount_range(out, v),
        MaskRule::Last4 => {
            if v.chars().count() <= 4 {
                out.push_str(FIXED);
            } else {
                out.push_str(FIXED);
                out.push_str(last_chars(v, 4));
            }
        }
        MaskRule::Hash => {
            // HMAC-SHA-256 keyed by the workspace's secret: stable for joins, not reversible,
            // and useless for dictionary attacks without the key.
            match Hmac::<Sha256>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(v.as_bytes());
                    let tag = mac.finalize().into_bytes();
                    out.push('#');
                    for b in tag.iter().take(8) {
                        let _ = write!(out, "{b:02x}");
                    }
                }
                Err(_) => out.push_str(FIXED),
            }
        }
    }
}

/// The masked form of `value` under `rule`.
pub fn mask(rule: MaskRule, value: &str, key: &[u8]) -> String {
    let mut s = String::with_capacity(value.len() + 4);
    mask_into(&mut s, rule, value, key);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const KEY: &[u8] = b"test key";

    #[test]
    fn chinese_practice_examples() {
        assert_eq!(mask(MaskRule::Name, "张三丰", KEY), "张**");
        assert_eq!(
            mask(MaskRule::Name, "欧阳", KEY),
            "欧**",
            "fixed width: the length does not show"
        );
        assert_eq!(mask(MaskRule::NameFull, "张三", KEY), "***");
        assert_eq!(mask(MaskRule::Mobile, "13812341234", KEY), "138****1234");
        assert_eq!(
            mask(MaskRule::MobileLast4, "13812341234", KEY),
            "*******1234"
        );
        assert_eq!(
            mask(MaskRule::IdCard, "110105194912310021", KEY),
            "110105********0021"
        );
        assert_eq!(
            mask(MaskRule::IdCardStrict, "110105194912310021", KEY),
            "1****************1"
        );
        assert_eq!(
            mask(MaskRule::BankCard, "6222021234567890123", KEY),
            "622202*********0123"
        );
        assert_eq!(
            mask(MaskRule::BankCardLast4, "6222021234567890123", KEY),
            "****0123"
        );
        assert_eq!(
            mask(MaskRule::Email, "zhangwei@example.com", KEY),
            "z***@example.com"
        );
        assert_eq!(
            mask(MaskRule::EmailDomain, "zhangwei@example.com", KEY),
            "***@example.com"
        );
        assert_eq!(
            mask(MaskRule::Address, "浙江省杭州市西湖区文三路100号", KEY),
            "浙江省杭州市西湖区***"
        );
        assert_eq!(
            mask(
                MaskRule::AddressProvince,
                "浙江省杭州市西湖区文三路100号",
                KEY
            ),
            "浙江省***"
        );
        assert_eq!(mask(MaskRule::AmountRange, "230000", KEY), "10万-50万");
        assert_eq!(mask(MaskRule::AmountRange, "12,000,000", KEY), "1000万以上");
        assert_eq!(mask(MaskRule::AmountRange, "35万", KEY), "10万-50万");
        assert_eq!(
            mask(MaskRule::AmountRange, "1万以下", KEY),
            "***",
            "not an amount"
        );
        assert_eq!(mask(MaskRule::AmountFull, "230000", KEY), "***");
        assert_eq!(mask(MaskRule::Last4, "91310000ABCDEFGH", KEY), "***EFGH");
        assert_eq!(mask(MaskRule::Full, "任何备注", KEY), "***");
    }

    #[test]
    fn hashes_are_keyed_and_stable() {
        let a = mask(MaskRule::Hash, "13812341234", KEY);
        assert_eq!(
            a,
            mask(MaskRule::Hash, "13812341234", KEY),
            "stable, so masked columns still join"
        );
        assert_ne!(
            a,
            mask(MaskRule::Hash, "13812341234", b"other key"),
            "keyed: another workspace gets another hash"
        );
        assert_eq!(a.len(), 17);
    }

    #[test]
    fn odd_inputs_are_fully_masked() {
        assert_eq!(
            mask(MaskRule::Mobile, "123", KEY),
            "***",
            "too short to keep ends"
        );
        assert_eq!(mask(MaskRule::Email, "not-an-email", KEY), "***");
        assert_eq!(mask(MaskRule::Address, "no admin units here", KEY), "***");
        assert_eq!(mask(MaskRule::AmountRange, "about a million", KEY), "***");
        assert_eq!(
            mask(MaskRule::Full, "", KEY),
            "",
            "an empty value stays empty"
        );
    }

    proptest! {
        /// A masked value never equals the raw value (for non-trivial values: not empty, and
        /// not already containing the mask character).
        #[test]
        fn masked_never_equals_raw(v in "\\PC{1,40}", rule in prop::sample::select(MaskRule::ALL)) {
            let t = v.trim();
            prop_assume!(!t.is_empty() && !t.contains('*'));
            let m = mask(rule, &v, KEY);
            prop_assert_ne!(m.as_str(), t, "rule {:?}", rule);
        }

        /// Rules that hide the length give the same width whatever the input length.
        #[test]
        fn length_does_not_leak(a in "[a-z张王李]{1,30}", b in "[a-z张王李]{1,30}") {
            for rule in [MaskRule::Name, MaskRule::NameFull, MaskRule::Full, MaskRule::Hash] {
                prop_assert_eq!(mask(rule, &a, KEY).chars().count(), mask(rule, &b, KEY).chars().count());
            }
            let ea = format!("{a}@example.com");
            let eb = format!("{b}@example.com");
            prop_assert_eq!(mask(MaskRule::Email, &ea, KEY).chars().count(), mask(MaskRule::Email, &eb, KEY).chars().count());
        }
    }
}
