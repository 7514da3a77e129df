//! Pure rules of the talent pool: the national ID number (GB 11643-1999), the age the programme
//! serves, which fields need a fresh review, and parsing a submitted profile into checked values.
use chrono::{Datelike, NaiveDate};

use super::choices::{BusinessType, Education, Gender, Industry, PoliticalStatus, TalentCategory};
use super::dto::TalentProfileRequest;
use crate::error::FieldError;
use crate::input::text::fits;
use crate::regions::{RegionLevel, level_of};
use crate::validation::normalize_mainland_mobile;

/// Version of the consent text for sensitive personal information; bump it when the text changes
/// and clients must show the new text before the next submission.
pub const CONSENT_VERSION: &str = "2026-11";
/// The consent text the mini-program shows (PIPL art. 29: separate consent for sensitive data).
pub const CONSENT_TEXT: &str = "为建立共青团吉林省委“青年人才库”，我们将收集并加密保存您的身份证号码和手机号码（敏感个人信息），仅用于人才库登记、所在地团组织审核认定和联系服务，展示时默认脱敏，查看完整信息须说明理由并留存记录。您可以随时在小程序中撤回同意并删除人才库信息。";

pub const NAME_MAX: usize = 20;
pub const BUSINESS_NAME_MAX: usize = 64;
pub const SKILLS_MAX: usize = 10;
pub const SKILL_MAX: usize = 20;
pub const INTRODUCTION_MAX: usize = 500;
pub const INDUSTRIES_MAX: usize = 5;

/// Why an ID number is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdProblem {
    Format,
    Checksum,
    BirthDate,
}

/// An 18-character resident ID number that passed the GB 11643 check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    value: String,
    birth: NaiveDate,
    male: bool,
}

impl IdNumber {
    pub fn parse(input: &str) -> Result<Self, IdProblem> {
        let value = input.trim().to_ascii_uppercase();
        let b = value.as_bytes();
        if b.len() != 18
            || !b[..17].iter().all(u8::is_ascii_digit)
            || !(b[17].is_ascii_digit() || b[17] == b'X')
        {
            return Err(IdProblem::Format);
        }
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        const CHECK: &[u8; 11] = b"10X98765432";
        let sum: u32 = b[..17]
            .iter()
            .zip(WEIGHTS)
            .map(|(d, w)| u32::from(d - b'0') * w)
            .sum();
        if CHECK[(sum % 11) as usize] != b[17] {
            return Err(IdProblem::Checksum);
        }
        let birth =
            NaiveDate::parse_from_str(&value[6..14], "%Y%m%d").map_err(|_| IdProblem::BirthDate)?;
        // The 17th character is the sequence number: odd for men, even for women.
        let male = (b[16] - b'0') % 2 == 1;
        Ok(Self { value, birth, male })
    }

    pub fn as_str(&self) -> &str {
        &self.value
    }

    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    pub fn gender(&self) -> Gender {
        if self.male {
            Gender::Male
        } else {
            Gender::Female
        }
    }
}

/// Full years of age on `today`.
pub fn age_on(dob: NaiveDate, today: NaiveDate) -> i32 {
    let mut years = today.year() - dob.year();
    if (today.month(), today.day()) < (dob.month(), dob.day()) {
        years -= 1;
    }
    years
}

/// Problems of an ID number against the stated birth date and gender.
pub fn id_matches(id: &IdNumber, dob: NaiveDate, gender: Gender) -> Vec<FieldError> {
    let mut out = Vec::new();
    if id.birth_date() != dob {
        out.push(FieldError::new(
            "idNumber",
            "ID_BIRTH_MISMATCH",
            "身份证号中的出生日期与填写的出生日期不一致",
        ));
    }
    if id.gender() != gender {
        out.push(FieldError::new(
            "idNumber",
            "ID_GENDER_MISMATCH",
            "身份证号中的性别与填写的性别不一致",
        ));
    }
    out
}

/// A submitted profile after every check that needs no database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileInput {
    pub real_name: String,
    pub gender: Gender,
    pub date_of_birth: NaiveDate,
    /// Normalised 11-digit mobile, when given.
    pub phone: Option<String>,
    /// When omitted on an update, the stored number is kept.
    pub id_number: Option<IdNumber>,
    pub home_region_code: String,
    pub education: Education,
    pub industries: Vec<Industry>,
    pub categories: Vec<TalentCategory>,
    pub business: Option<(String, BusinessType)>,
    pub political_status: PoliticalStatus,
    pub skills: Vec<String>,
    pub introduction: String,
}

fn choice<T>(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Option<T> {
    let parsed = parse(value.trim());
    if parsed.is_none() {
        errors.push(FieldError::new(
            field,
            "INVALID_VALUE",
            format!("{what}不在可选范围内，请从列表中选择"),
        ));
    }
    parsed
}

fn choice_list<T: Ord + Copy>(
    errors: &mut Vec<FieldError>,
    field: &str,
    values: &[String],
    parse: fn(&str) -> Option<T>,
    what: &str,
) -> Vec<T> {
    let mut out = Vec::new();
    for (i, v) in values.iter().enumerate() {
        if let Some(c) = choice(errors, &format!("{field}[{i}]"), v, parse, what) {
            out.push(c);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn is_name_char(c: char) -> bool {
    c.is_alphabetic() || matches!(c, '·' | '•' | ' ')
}

/// Check everything about a submission that needs no database; `today` is the China-time date.
pub fn parse_profile(
    req: &TalentProfileRequest,
    today: NaiveDate,
    (min_age, max_age): (u32, u32),
) -> Result<ProfileInput, Vec<FieldError>> {
    let mut errors = Vec::new();

    let real_name = req.real_name.trim().to_owned();
    if !fits(&real_name, 2, NAME_MAX) {
        errors.push(FieldError::new(
            "realName",
            "LENGTH",
            format!("姓名长度应为2至{NAME_MAX}个字"),
        ));
    } else if !real_name.chars().all(is_name_char) {
        errors.push(FieldError::new(
            "realName",
            "FORMAT",
            "姓名只能包含汉字、字母和间隔号“·”",
        ));
    }

    let gender = choice(
        &mut errors,
        "gender",
        &req.gender,
        crate::choices::parse::<Gender>,
        "性别",
    );

    let dob = match NaiveDate::parse_from_str(req.date_of_birth.trim(), "%Y-%m-%d") {
        Err(_) => {
            errors.push(FieldError::new(
                "dateOfBirth",
                "FORMAT",
                "出生日期格式应为YYYY-MM-DD",
            ));
            None
        }
        Ok(d) if d > today => {
            errors.push(FieldError::new(
                "dateOfBirth",
                "RANGE",
                "出生日期不能晚于今天",
            ));
            None
        }
        Ok(d) => {
            let age = age_on(d, today);
            if age < min_age as i32 || age > max_age as i32 {
                errors.push(FieldError::new(
                    "dateOfBirth",
                    "AGE_RANGE",
                    format!("青年人才库面向{min_age}至{max_age}周岁的青年，您的年龄为{age}周岁"),
                ));
            }
            Some(d)
        }
    };

    let phone = match req
        .phone
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(p) => {
            let parsed = normalize_mainland_mobile(p);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "phone",
                    "FORMAT",
                    "请填写11位中国大陆手机号码",
                ));
            }
            parsed
        }
    };

    let id_number = match req
        .id_number
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(raw) => match IdNumber::parse(raw) {
            Ok(id) => {
                if let (Some(d), Some(g)) = (dob, gender) {
                    errors.extend(id_matches(&id, d, g));
                }
                Some(id)
            }
            Err(problem) => {
                let (code, message) = match problem {
                    IdProblem::Format => ("FORMAT", "身份证号应为18位，最后一位可以是数字或X"),
                    IdProblem::Checksum => ("ID_CHECKSUM", "身份证号校验位不正确，请核对"),
                    IdProblem::BirthDate => ("FORMAT", "身份证号中的出生日期无效"),
                };
                errors.push(FieldError::new("idNumber", code, message));
                None
            }
        },
    };

    let home_region_code = req.home_region_code.trim().to_owned();
    if !matches!(
        level_of(&home_region_code),
        Some(RegionLevel::Township | RegionLevel::Village)
    ) {
        errors.push(FieldError::new(
            "homeRegionCode",
            "LEVEL",
            "所在地须为乡镇（街道）或村（社区）的区划代码",
        ));
    }

    let education = choice(
        &mut errors,
        "education",
        &req.education,
        crate::choices::parse::<Education>,
        "学历",
    );
    let industries = choice_list(
        &mut errors,
        "industries",
        &req.industries,
        Industry::parse,
        "从事产业",
    );
    if req.industries.is_empty() {
        errors.push(FieldError::new(
            "industries",
            "REQUIRED",
            "请至少选择一个从事产业",
        ));
    } else if req.industries.len() > INDUSTRIES_MAX {
        errors.push(FieldError::new(
            "industries",
            "LENGTH",
            format!("从事产业最多选择{INDUSTRIES_MAX}项"),
        ));
    }
    let categories = choice_list(
        &mut errors,
        "categories",
        &req.categories,
        TalentCategory::parse,
        "人才类别",
    );
    if req.categories.len() > TalentCategory::ALL.len() {
        errors.push(FieldError::new("categories", "LENGTH", "人才类别重复"));
    }

    let business = match &req.business {
        None => None,
        Some(b) => {
            let name = b.name.trim().to_owned();
            if !fits(&name, 2, BUSINESS_NAME_MAX) {
                errors.push(FieldError::new(
                    "business.name",
                    "LENGTH",
                    format!("经营主体名称长度应为2至{BUSINESS_NAME_MAX}个字"),
                ));
            }
            choice(
                &mut errors,
                "business.type",
                &b.kind,
                crate::choices::parse::<BusinessType>,
                "经营主体类型",
            )
            .map(|t| (name, t))
        }
    };

    let political_status = choice(
        &mut errors,
        "politicalStatus",
        &req.political_status,
        crate::choices::parse::<PoliticalStatus>,
        "政治面貌",
    );

    let skills: Vec<String> = req.skills.iter().map(|s| s.trim().to_owned()).collect();
    if skills.len() > SKILLS_MAX {
        errors.push(FieldError::new(
            "skills",
            "LENGTH",
            format!("技能特长最多填写{SKILLS_MAX}项"),
        ));
    }
    for (i, s) in skills.iter().enumerate() {
        if !fits(s, 1, SKILL_MAX) {
            errors.push(FieldError::new(
                &format!("skills[{i}]"),
                "LENGTH",
                format!("每项技能特长应为1至{SKILL_MAX}个字"),
            ));
        }
    }

    let introduction = req.introduction.trim().to_owned();
    if introduction.chars().count() > INTRODUCTION_MAX {
        errors.push(FieldError::new(
            "introduction",
            "LENGTH",
            format!("个人简介不超过{INTRODUCTION_MAX}个字"),
        ));
    }
    if introduction.chars().any(|c| c.is_control() && c != '\n') {
        errors.push(FieldError::new(
            "introduction",
            "FORMAT",
            "个人简介含有不可见字符",
        ));
    }

    if !req.sensitive_info_consent {
        errors.push(FieldError::new(
            "sensitiveInfoConsent",
            "CONSENT_REQUIRED",
            "请阅读并单独同意《敏感个人信息处理规则》后再提交",
        ));
    } else if req.consent_version != CONSENT_VERSION {
        errors.push(FieldError::new(
            "consentVersion",
            "CONSENT_OUTDATED",
            "个人信息处理规则已更新，请阅读新版本并重新同意",
        ));
    }

    match (gender, dob, education, political_status) {
        (Some(gender), Some(date_of_birth), Some(education), Some(political_status))
            if errors.is_empty() =>
        {
            Ok(ProfileInput {
                real_name,
                gender,
                date_of_birth,
                phone,
                id_number,
                home_region_code,
                education,
                industries,
                categories,
                business,
                political_status,
                skills,
                introduction,
            })
        }
        _ => Err(errors),
    }
}

/// The values a cadre's verification vouches for: changing any of them on a verified profile
/// sends it back for review. Phone, industries, skills and introduction can change freely.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFields<'a> {
    pub real_name: &'a str,
    pub gender: Gender,
    pub date_of_birth: NaiveDate,
    pub id_number_index: &'a str,
    pub home_region_code: &'a str,
    pub education: Education,
    pub categories: &'a str,
    pub business_name: Option<&'a str>,
    pub business_type: Option<BusinessType>,
    pub political_status: PoliticalStatus,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_gb11643_check_digit_is_enforced() {
        // A published example number: 11010519491231002X.
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), d(1949, 12, 31));
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(
            IdNumber::parse("110105194912310021"),
            Err(IdProblem::Checksum)
        );
        assert_eq!(IdNumber::parse("11010519491231002"), Err(IdProblem::Format));
        assert_eq!(
            IdNumber::parse("1101051949123100AX"),
            Err(IdProblem::Format)
        );
    }

    #[test]
    fn an_impossible_birth_date_inside_a_valid_checksum_is_refused() {
        // 19990231: February 31st; the check digit is computed to be right.
        let body = "22010219990231001";
        const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        let sum: u32 = body
            .bytes()
            .zip(WEIGHTS)
            .map(|(c, w)| u32::from(c - b'0') * w)
            .sum();
        let check = b"10X98765432"[(sum % 11) as usize] as char;
        assert_eq!(
            IdNumber::parse(&format!("{body}{check}")),
            Err(IdProblem::BirthDate)
        );
    }

    #[test]
    fn age_counts_full_years_only() {
        assert_eq!(age_on(d(2000, 6, 15), d(2026, 6, 14)), 25);
        assert_eq!(age_on(d(2000, 6, 15), d(2026, 6, 15)), 26);
        assert_eq!(age_on(d(2000, 2, 29), d(2026, 2, 28)), 25);
    }
}
