//! Matching contacts: emails and phones in the one form they are compared
//! in, names reduced to a key, and the scoring of duplicate candidates.

use std::collections::BTreeMap;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::closed_set::closed_set;
use crate::error::{Error, Result};

/// An email as compared: trimmed and case-folded. Refuses what is not an
/// address (`local@domain.tld`, no spaces), naming `field`.
pub(crate) fn email(field: &str, raw: &str) -> Result<(String, String)> {
    let address = raw.trim();
    crate::text::required(field, address, 254)?;
    let well_formed = match address.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        }
        None => false,
    };
    if !well_formed || address.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            field,
            format!("{address:?} is not an email address (name@example.com)"),
        ));
    }
    Ok((address.to_string(), address.to_lowercase()))
}

/// A phone number in E.164 (`+33612345678`): numbers without a country
/// code are read in the database's default country.
pub(crate) fn phone(field: &str, raw: &str, country: Option<&str>) -> Result<(String, String)> {
    let number = raw.trim();
    crate::text::required(field, number, 40)?;
    let region = country.map(country_id).transpose()?;
    let parsed = phonenumber::parse(region, number).map_err(|e| {
        let hint = if region.is_none() && !number.starts_with('+') {
            " (it has no country code such as +33, and the database has no default country: see set_default_country)"
        } else {
            ""
        };
        Error::invalid(field, format!("{number:?} is not a phone number: {e}{hint}"))
    })?;
    if !phonenumber::is_valid(&parsed) {
        return Err(Error::invalid(
            field,
            format!("{number:?} is not a valid phone number for its country"),
        ));
    }
    let e164 = parsed.format().mode(phonenumber::Mode::E164).to_string();
    Ok((number.to_string(), e164))
}

/// The phone form of a search text, when it reads as one.
pub(crate) fn phone_query(text: &str, country: Option<&str>) -> Option<String> {
    let digits = text.chars().filter(char::is_ascii_digit).count();
    if digits < 6 {
        return None;
    }
    phone("search", text, country).ok().map(|(_, e164)| e164)
}

/// The region of an ISO 3166 alpha-2 code (`FR`).
pub(crate) fn country_id(code: &str) -> Result<phonenumber::country::Id> {
    let upper = code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase());
    match phonenumber::country::Id::from_str(code) {
        Ok(id) if upper => Ok(id),
        _ => Err(Error::invalid(
            "country",
            format!("{code:?} is not an ISO 3166 country code such as FR"),
        )),
    }
}

/// A name as compared: lower case, single spaces.
pub(crate) fn name_key(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// How alike two name keys are, 0–1: Jaro-Winkler on the names, and on
/// their words sorted (so "Curie Marie" matches "Marie Curie").
fn name_similarity(a: &str, b: &str) -> f64 {
    let sorted = |s: &str| {
        let mut w: Vec<&str> = s.split(' ').collect();
        w.sort_unstable();
        w.join(" ")
    };
    strsim::jaro_winkler(a, b).max(strsim::jaro_winkler(&sorted(a), &sorted(b)))
}

/// Names at least this alike (Jaro-Winkler) make a candidate.
const SIMILAR_NAME: f64 = 0.9;

closed_set! {
    /// Why two contacts may be the same.
    pub enum MatchKind as "kind" {
        /// They share a normalised email (weight 90).
        SameEmail = "same_email",
        /// They share a phone number in E.164 (weight 80).
        SamePhone = "same_phone",
        /// Their names are alike and they belong to the same company
        /// (weight up to 70, by similarity).
        SimilarName = "similar_name",
    }
}

/// One reason of a candidate pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DuplicateReason {
    /// What matched.
    pub kind: MatchKind,
    /// The shared email or phone, or both names.
    pub detail: String,
    /// Its weight, 1–100.
    pub weight: u32,
}

/// Two contacts that may be one person or company.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[non_exhaustive]
pub struct DuplicatePair {
    /// The older contact (lower id): the natural survivor of a merge.
    pub contact: i64,
    /// The newer one.
    pub other: i64,
    /// 1–100: reasons combine as independent evidence,
    /// `100 − 100 × Π(1 − weight / 100)`, rounded down.
    pub score: u32,
    /// Every reason, strongest first.
    pub reasons: Vec<DuplicateReason>,
}

/// Which candidates [`crate::Database::duplicate_contacts`] lists.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct DuplicateFilter {
    /// Only pairs including this contact.
    pub contact: Option<i64>,
    /// Lowest score listed, 1–100 (default 50).
    pub min_score: Option<u32>,
    /// At most this many pairs, best first (default 100, at most 1000).
    pub limit: Option<u32>,
}

/// A contact as duplicate detection sees it.
pub(crate) struct Candidate {
    pub id: i64,
    pub company: Option<i64>,
    pub name_key: String,
}

/// Scores candidate pairs from shared keys (`(a, b, kind, value)` with
/// `a < b`) and from the people of each company.
pub(crate) fn score(
    shared: Vec<(i64, i64, MatchKind, String)>,
    people: &[Candidate],
    filter: &DuplicateFilter,
) -> Result<Vec<DuplicatePair>> {
    let min = filter.min_score.unwrap_or(50);
    if !(1..=100).contains(&min) {
        return Err(Error::invalid(
            "min_score",
            format!("{min} is not within 1–100"),
        ));
    }
    let limit = crate::page::PageRequest {
        limit: filter.limit,
        after: None,
    }
    .limit()?;
    let mut reasons: BTreeMap<(i64, i64), Vec<DuplicateReason>> = BTreeMap::new();
    for (a, b, kind, value) in shared {
        let weight = match kind {
            MatchKind::SameEmail => 90,
            MatchKind::SamePhone => 80,
            MatchKind::SimilarName => 70,
        };
        let list = reasons.entry((a, b)).or_default();
        if !list.iter().any(|r| r.kind == kind) {
            list.push(DuplicateReason {
                kind,
                detail: value,
                weight,
            });
        }
    }
    // Names are compared only inside one company: two "Jean Martin" of two
    // companies are two people.
    let mut by_company: BTreeMap<i64, Vec<&Candidate>> = BTreeMap::new();
    for p in people {
        if let Some(c) = p.company {
            by_company.entry(c).or_default().push(p);
        }
    }
    for members in by_company.values() {
        for (i, a) in members.iter().enumerate() {
            for b in &members[i + 1..] {
                let similarity = name_similarity(&a.name_key, &b.name_key);
                if similarity >= SIMILAR_NAME {
                    let key = (a.id.min(b.id), a.id.max(b.id));
                    reasons.entry(key).or_default().push(DuplicateReason {
                        kind: MatchKind::SimilarName,
                        detail: format!("{} / {}", a.name_key, b.name_key),
                        weight: (similarity * 70.0).floor() as u32,
                    });
                }
            }
        }
    }
    let mut pairs: Vec<DuplicatePair> = reasons
        .into_iter()
        .filter(|((a, b), _)| filter.contact.is_none_or(|c| c == *a || c == *b))
        .map(|((contact, other), mut reasons)| {
            reasons.sort_by_key(|r| std::cmp::Reverse(r.weight));
            // 100 − 100 × Π(1 − w/100), in integers: Π(100 − w) / 100^(n−1).
            let mut rest: u64 = 100;
            for r in &reasons {
                rest = rest * u64::from(100 - r.weight.min(100)) / 100;
            }
            DuplicatePair {
                contact,
                other,
                score: 100 - rest as u32,
                reasons,
            }
        })
        .filter(|p| p.score >= min)
        .collect();
    pairs.sort_by(|x, y| {
        y.score
            .cmp(&x.score)
            .then((x.contact, x.other).cmp(&(y.contact, y.other)))
    });
    pairs.truncate(limit as usize);
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_trimmed_and_case_folded() {
        let (address, key) = email("emails[0]", "  Marie.Curie@Example.FR ").unwrap();
        assert_eq!(
            (address.as_str(), key.as_str()),
            ("Marie.Curie@Example.FR", "marie.curie@example.fr")
        );
        for bad in [
            "marie",
            "marie@",
            "@example.fr",
            "marie@example",
            "ma rie@example.fr",
            "a@b@c.fr",
        ] {
            assert!(
                matches!(email("emails[0]", bad), Err(Error::InvalidInput { field, .. }) if field == "emails[0]"),
                "{bad}"
            );
        }
    }

    #[test]
    fn phones_become_e164_in_the_default_country() {
        let fr = Some("FR");
        for raw in [
            "+33 6 12 34 56 78",
            "06 12 34 56 78",
            "06.12.34.56.78",
            "+33612345678",
            "0033 6 12 34 56 78",
        ] {
            assert_eq!(
                phone("phones[0]", raw, fr).unwrap().1,
                "+33612345678",
                "{raw}"
            );
        }
        // An international number ignores the default country.
        assert_eq!(
            phone("p", "+44 20 7946 0958", fr).unwrap().1,
            "+442079460958"
        );
        // Without a default country a national number cannot be read.
        let e = phone("phones[1]", "06 12 34 56 78", None).unwrap_err();
        assert!(
            e.to_string().contains("phones[1]") && e.to_string().contains("default country"),
            "{e}"
        );
        assert!(phone("p", "12", fr).is_err());
        assert!(country_id("fr").is_err() && country_id("XX").is_err() && country_id("FR").is_ok());
    }

    fn person(id: i64, company: Option<i64>, name: &str) -> Candidate {
        Candidate {
            id,
            company,
            name_key: name_key(name),
        }
    }

    #[test]
    fn similar_names_count_only_within_one_company() {
        let people = [
            person(1, Some(10), "Jean  Martin"),
            person(2, Some(10), "jean martin"),
            person(3, Some(11), "Jean Martin"),
            person(4, Some(10), "Paul Durand"),
            person(5, None, "Jean Martin"),
        ];
        let pairs = score(vec![], &people, &DuplicateFilter::default()).unwrap();
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!(
            (pairs[0].contact, pairs[0].other, pairs[0].score),
            (1, 2, 70)
        );
        assert_eq!(pairs[0].reasons[0].kind, MatchKind::SimilarName);
    }

    #[test]
    fn reasons_combine_as_independent_evidence() {
        let shared = vec![
            (1, 2, MatchKind::SameEmail, "a@b.fr".into()),
            (1, 2, MatchKind::SamePhone, "+33612345678".into()),
            (3, 4, MatchKind::SamePhone, "+33612345679".into()),
        ];
        let pairs = score(shared, &[], &DuplicateFilter::default()).unwrap();
        assert_eq!(
            pairs
                .iter()
                .map(|p| (p.contact, p.other, p.score))
                .collect::<Vec<_>>(),
            [(1, 2, 98), (3, 4, 80)]
        );
        assert_eq!(pairs[0].reasons[0].kind, MatchKind::SameEmail);
        let strict = DuplicateFilter {
            min_score: Some(90),
            ..Default::default()
        };
        assert_eq!(
            score(vec![(3, 4, MatchKind::SamePhone, "x".into())], &[], &strict)
                .unwrap()
                .len(),
            0
        );
        let bad = DuplicateFilter {
            min_score: Some(0),
            ..Default::default()
        };
        assert!(score(vec![], &[], &bad).is_err());
    }

    #[test]
    fn word_order_does_not_hide_a_name() {
        assert!(name_similarity("curie marie", "marie curie") > 0.99);
        assert!(name_similarity("marie curie", "pierre curie") < SIMILAR_NAME);
    }
}
