//! The one text rule for every string a client sends (JSON body, query parameter, path segment).
//!
//! 1. **Control characters are refused**: C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F) and the
//!    bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069), which can
//!    make a name display as something else. Multi-line texts ([`MULTILINE_FIELDS`]) may hold line
//!    breaks and tabs; `\r\n` and a lone `\r` become `\n`.
//! 2. **Normalised**: Unicode NFC, then trimmed of whitespace and invisible characters at both
//!    ends. Secrets ([`VERBATIM_FIELDS`]) are only checked, never changed, so stored password
//!    hashes keep matching.
//! 3. **Only visible characters count toward a minimum length** ([`visible_len`]): zero-width
//!    spaces, joiners, marks without a base, fillers and blanks do not, so 「​​​​」 is not a reason.
use std::borrow::Cow;

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};
use unicode_segmentation::UnicodeSegmentation;
use validator::ValidationError;

/// JSON keys whose text may span several lines (descriptions and introductions). Every other
/// string is a single line.
pub const MULTILINE_FIELDS: &[&str] = &["introduction", "description"];

/// JSON keys whose text is a secret: refused when it holds control characters, else kept
/// byte for byte.
pub const VERBATIM_FIELDS: &[&str] = &["password"];

/// Field code of a refused control character.
pub const CONTROL_CHARACTER: &str = "CONTROL_CHARACTER";

/// How a piece of text may look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextKind {
    SingleLine,
    MultiLine,
    Verbatim,
}

impl TextKind {
    /// The kind of the JSON field called `key`.
    pub fn of_field(key: &str) -> Self {
        if VERBATIM_FIELDS.contains(&key) {
            Self::Verbatim
        } else if MULTILINE_FIELDS.contains(&key) {
            Self::MultiLine
        } else {
            Self::SingleLine
        }
    }
}

/// Characters no client text may contain (line breaks and tabs aside, see [`clean`]).
pub fn is_forbidden(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// The message of a refused control character, for a person.
pub fn control_message(kind: TextKind) -> &'static str {
    match kind {
        TextKind::MultiLine => "不能包含控制字符（换行和制表符除外）",
        _ => "不能包含控制字符或换行",
    }
}

/// Characters that show nothing by themselves: whitespace, format characters (zero-width
/// space/joiner, BOM, direction marks), combining marks without a base, and the "blank" letters
/// (Hangul fillers, the braille blank) often used to fake an empty name.
fn is_invisible(c: char) -> bool {
    if c.is_whitespace() || c.is_control() {
        return true;
    }
    if matches!(
        c,
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' | '\u{2800}' | '\u{034F}'
    ) {
        return true;
    }
    matches!(
        c.general_category(),
        GeneralCategory::Format
            | GeneralCategory::NonspacingMark
            | GeneralCategory::EnclosingMark
            | GeneralCategory::SpacingMark
            | GeneralCategory::Surrogate
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
            | GeneralCategory::SpaceSeparator
    )
}

/// Number of user-perceived characters (grapheme clusters) that show something.
pub fn visible_len(s: &str) -> usize {
    s.graphemes(true)
        .filter(|g| g.chars().any(|c| !is_invisible(c)))
        .count()
}

/// A text held a character the rule refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlCharacterFound;

/// Check and normalise one string.
pub fn clean(s: &str, kind: TextKind) -> Result<Cow<'_, str>, ControlCharacterFound> {
    let allowed = |c: char| kind == TextKind::MultiLine && matches!(c, '\n' | '\r' | '\t');
    if s.chars().any(|c| is_forbidden(c) && !allowed(c)) {
        return Err(ControlCharacterFound);
    }
    if kind == TextKind::Verbatim {
        return Ok(Cow::Borrowed(s));
    }
    let mut text = Cow::Borrowed(s);
    if text.contains('\r') {
        text = Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"));
    }
    if !matches!(
        is_nfc_quick(text.chars()),
        unicode_normalization::IsNormalized::Yes
    ) {
        text = Cow::Owned(text.nfc().collect());
    }
    let trimmed = text.trim_matches(|c: char| c.is_whitespace() || is_invisible_edge(c));
    if trimmed.len() == text.len() {
        return Ok(text);
    }
    Ok(Cow::Owned(trimmed.to_owned()))
}

/// Invisible characters that mean nothing at either end of a text (a joiner or mark needs a
/// neighbour on both sides).
fn is_invisible_edge(c: char) -> bool {
    matches!(c.general_category(), GeneralCategory::Format) || matches!(c, '\u{3164}' | '\u{2800}')
}

/// At least `min` visible characters and at most `max` characters in all: the length rule of
/// every text (the maximum bounds storage, so it counts every character).
pub fn fits(s: &str, min: usize, max: usize) -> bool {
    visible_len(s) >= min && s.chars().count() <= max
}

/// `validator` rule for every text with a minimum length: between `MIN` visible characters and
/// `MAX` characters in all. Use it instead of `length(min = …)` on strings:
/// `#[validate(custom(function = "crate::input::text::visible_length::<2, 200>", message = "…"))]`.
pub fn visible_length<const MIN: usize, const MAX: usize>(s: &str) -> Result<(), ValidationError> {
    if !fits(s, MIN, MAX) {
        let mut e = ValidationError::new("length");
        e.add_param(Cow::from("min"), &MIN);
        e.add_param(Cow::from("max"), &MAX);
        return Err(e);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn single(s: &str) -> Result<String, ControlCharacterFound> {
        clean(s, TextKind::SingleLine).map(Cow::into_owned)
    }

    #[test]
    fn control_characters_are_refused_in_single_lines() {
        for bad in [
            "a\0b",
            "a\u{1}",
            "a\nb",
            "a\tb",
            "a\u{7f}",
            "a\u{85}",
            "\u{202E}gnp.exe",
        ] {
            assert!(single(bad).is_err(), "{bad:?} is refused");
        }
        assert!(clean("a\u{2066}b", TextKind::Verbatim).is_err());
        assert!(clean("pass\0word", TextKind::Verbatim).is_err());
    }

    #[test]
    fn multi_line_texts_keep_line_breaks_and_tabs_but_not_other_controls() {
        assert_eq!(
            clean("第一行\r\n第二行\r第三行\t完", TextKind::MultiLine).unwrap(),
            "第一行\n第二行\n第三行\t完"
        );
        assert!(clean("a\0b", TextKind::MultiLine).is_err());
        assert!(clean("a\u{1b}[31m", TextKind::MultiLine).is_err());
    }

    #[test]
    fn text_is_nfc_normalised_and_trimmed() {
        assert_eq!(single("  e\u{301}  ").unwrap(), "\u{e9}");
        assert_eq!(single("\u{200B}张三\u{FEFF} ").unwrap(), "张三");
        assert_eq!(single("　全角空格　").unwrap(), "全角空格");
        assert_eq!(single("张三").unwrap(), "张三");
        // A zero-width joiner inside an emoji sequence stays.
        assert_eq!(single("👨\u{200D}🌾").unwrap(), "👨\u{200D}🌾");
    }

    #[test]
    fn secrets_are_kept_verbatim() {
        assert_eq!(
            clean("  e\u{301} ", TextKind::Verbatim).unwrap(),
            "  e\u{301} "
        );
    }

    #[test]
    fn only_visible_characters_count() {
        assert_eq!(visible_len("\u{200B}\u{200B}\u{200B}\u{200B}"), 0);
        assert_eq!(visible_len("\u{3164}\u{3164}\u{2800}\u{115F}"), 0);
        assert_eq!(visible_len("\u{301}\u{301}\u{301}\u{301}"), 0);
        assert_eq!(visible_len("e\u{301}"), 1);
        assert_eq!(visible_len("同意推荐"), 4);
        assert_eq!(visible_len("a b"), 2);
        assert_eq!(visible_len("👨\u{200D}🌾"), 1);
    }

    #[test]
    fn the_length_rule_counts_visible_minimum_and_total_maximum() {
        assert!(visible_length::<4, 10>("\u{200B}\u{200B}\u{200B}\u{200B}").is_err());
        assert!(visible_length::<4, 10>("审核通过了").is_ok());
        assert!(visible_length::<2, 4>("一二三四五").is_err());
        assert_eq!(
            visible_length::<2, 4>("").unwrap_err().code,
            "length",
            "the field code stays LENGTH"
        );
    }
}
