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
}
