//! Parsing of values people type, shared by every domain ("parse, don't validate").

/// A mainland China mobile number: 11 digits starting with 1[3-9]. Accepts `+86`/`86` prefixes,
/// spaces and dashes; returns the bare 11 digits.
pub fn normalize_mainland_mobile(input: &str) -> Option<String> {
    let digits: String = input
        .trim()
        .trim_start_matches('+')
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    let digits = match digits.strip_prefix("86") {
        Some(rest) if rest.len() == 11 => rest.to_owned(),
        _ => digits,
    };
    let b = digits.as_bytes();
    let ok = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    ok.then_some(digits)
}

/// The characters of a unified social credit code (统一社会信用代码, GB 32100-2015): digits and
/// capital letters without I, O, S, V and Z; a character's value is its index.
const USCC_ALPHABET: &[u8] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
/// Weights of positions 1–17 (3^(i-1) mod 31).
const USCC_WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code (GB 32100-2015): 18 characters of its alphabet (letters are
/// taken in upper case), positions 3–8 the registering authority's region (digits), and a last
/// check character `31 − (Σ value × weight mod 31)` (31 → `0`). Returns the code in upper case.
pub fn normalize_unified_credit_code(input: &str) -> Option<String> {
    let code = input.trim().to_ascii_uppercase();
    let b = code.as_bytes();
    if b.len() != 18 || !b[2..8].iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = |c: u8| USCC_ALPHABET.iter().position(|a| *a == c);
    let mut sum = 0u32;
    for (c, w) in b[..17].iter().zip(USCC_WEIGHTS) {
        sum += u32::try_from(value(*c)?).ok()? * w;
    }
    let check = (31 - sum % 31) % 31;
    (value(b[17])? == check as usize).then_some(code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainland_mobiles_are_normalised() {
        assert_eq!(
            normalize_mainland_mobile("138 1234 1234").as_deref(),
            Some("13812341234")
        );
        assert_eq!(
            normalize_mainland_mobile("+8613812341234").as_deref(),
            Some("13812341234")
        );
        assert_eq!(normalize_mainland_mobile("12812341234"), None);
        assert_eq!(normalize_mainland_mobile("1381234123"), None);
        assert_eq!(normalize_mainland_mobile("1381234123x"), None);
    }

    #[test]
    fn unified_credit_codes_are_checked_by_gb_32100() {
        // 中国农业银行股份有限公司 and the standard's own example.
        assert_eq!(
            normalize_unified_credit_code("911100001000054748").as_deref(),
            Some("911100001000054748")
        );
        assert_eq!(
            normalize_unified_credit_code(" 91350100m000100y43 ").as_deref(),
            Some("91350100M000100Y43")
        );
        // One character changed, the check character wrong, a letter outside the alphabet
        // (O, I, S, V, Z), letters in the region part, the wrong length.
        assert!(normalize_unified_credit_code("911100001000054749").is_none());
        assert!(normalize_unified_credit_code("911100001000054738").is_none());
        assert!(normalize_unified_credit_code("91350100O000100Y43").is_none());
        assert!(normalize_unified_credit_code("91A50100M000100Y43").is_none());
        assert!(normalize_unified_credit_code("91110000100005474").is_none());
        assert!(normalize_unified_credit_code("9111000010000547480").is_none());
        assert!(normalize_unified_credit_code("").is_none());
    }
}
