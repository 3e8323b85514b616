//! What several pages show in the same way: the skills as ticked in a form, a text
//! whose glossary terms link to their entries, an exercise's options and quotes as shown
//! after answering, its excerpt, and a join link's QR code.
//!
//! Route modules use these; they hold no state beyond one page's rendering.

use std::cell::RefCell;
use std::fmt::{self, Write};
use std::ops::Range;

use crate::content::{Choice, DiffPiece, Exercise, Glossary, Pack, Skill};
use crate::practice::{Confidence, Focus};
use crate::web::extract::{every_field, field};

/// A skill as a checkbox of a form.
pub struct SkillBox {
    pub slug: &'static str,
    pub title: &'static str,
    /// How many exercises of the skill the pack has, when the form is about one pack.
    pub count: Option<usize>,
}

/// Every skill as a checkbox, with its number of exercises if `pack` is given.
pub fn skill_boxes(pack: Option<&Pack>) -> Vec<SkillBox> {
    Skill::ALL
        .iter()
        .map(|&skill| SkillBox {
            slug: skill.slug(),
            title: skill.title(),
            count: pack.map(|pack| pack.exercises_of(skill).count()),
        })
        .collect()
}

/// The skills a form ticked (its `skill` fields, once per box), or, from a form that
/// names them at once, its `focus` (a [`Focus::slug`]). A message for the form when
/// neither names a skill.
pub fn focus_of_form(fields: &[(String, String)]) -> Result<Focus, String> {
    let ticked = every_field(fields, "skill");
    if ticked.is_empty() {
        let slug = field(fields, "focus").map(str::trim).unwrap_or_default();
        if slug.is_empty() {
            return Err("Tick at least one skill.".to_string());
        }
        return Focus::from_slug(slug)
            .ok_or_else(|| format!("“{slug}” is not a skill: tick the skills in the form."));
    }
    let skills: Vec<Skill> = ticked
        .iter()
        .map(|slug| {
            let slug = slug.trim();
            Skill::from_slug(slug)
                .ok_or_else(|| format!("“{slug}” is not a skill: tick the skills in the form."))
        })
        .collect::<Result<_, _>>()?;
    Focus::of(skills).ok_or_else(|| "Tick at least one skill.".to_string())
}

/// Another document's version of a quote exercise's words, as its feedback shows it.
pub struct VersionView<'a> {
    pub source_title: &'a str,
    pub note: Option<&'a str>,
    pub difference: Option<&'a str>,
    pub diff: &'a [DiffPiece],
    pub reader_url: String,
}

/// The versions of a quote exercise, each with a link to it in its document;
/// `link_suffix` is added to each link (it names the way back).
pub fn version_views<'a>(
    pack: &Pack,
    exercise: &'a Exercise,
    link_suffix: &str,
) -> Vec<VersionView<'a>> {
    exercise
        .versions()
        .iter()
        .map(|version| {
            let quote = version.quote();
            VersionView {
                source_title: quote.source_title(),
                note: quote.note(),
                difference: version.difference(),
                diff: version.diff(),
                reader_url: format!(
                    "/packs/{}/sources/{}?exercise={}&quote={}{link_suffix}#passage",
                    pack.id(),
                    quote.source_id(),
                    exercise.id(),
                    exercise.quote_index(quote).unwrap_or_default(),
                ),
            }
        })
        .collect()
}

/// Links the first use on a page of each glossary term to its entry. Templates call
/// [`Gloss::link`] on each text in reading order; a term linked once is not linked
/// again further down the page.
pub struct Gloss<'a> {
    glossary: Option<&'a Glossary>,
    /// The glossary page's address.
    page: String,
    seen: RefCell<Vec<bool>>,
}

impl<'a> Gloss<'a> {
    /// Links to the glossary of `pack`, if it has one.
    pub fn of(pack: &'a Pack) -> Gloss<'a> {
        let glossary = pack.glossary();
        Gloss {
            glossary: (!glossary.is_empty()).then_some(glossary),
            page: glossary_url(pack),
            seen: RefCell::new(vec![false; glossary.terms().len()]),
        }
    }

    /// Links nothing: for pages where a link would take the reader away at the wrong
    /// moment (a live session's pages).
    pub fn off() -> Gloss<'static> {
        Gloss {
            glossary: None,
            page: String::new(),
            seen: RefCell::new(Vec::new()),
        }
    }

    /// `text`, escaped for HTML, with the first use on the page of each term linked.
    pub fn link<'t>(&'t self, text: &'t str) -> Linked<'t> {
        let links = match self.glossary {
            Some(glossary) => glossary
                .first_uses(text, &mut self.seen.borrow_mut())
                .into_iter()
                .map(|(range, term)| (range, glossary.terms()[term].id()))
                .collect(),
            None => Vec::new(),
        };
        Linked {
            text,
            links,
            page: &self.page,
        }
    }
}

/// The address of a pack's glossary page.
pub fn glossary_url(pack: &Pack) -> String {
    format!("/packs/{}/glossary", pack.id())
}

/// A text ready for a page: escaped, with some of its words linked to the glossary.
/// Templates write it with `|safe`, since it escapes itself.
pub struct Linked<'t> {
    text: &'t str,
    links: Vec<(Range<usize>, &'t str)>,
    page: &'t str,
}

/// Writes `text` escaped for HTML, in runs between the characters that need escaping
/// (a page's texts are long and have few of them).
fn escape(out: &mut impl Write, text: &str) -> fmt::Result {
    let mut written = 0;
    for (at, byte) in text.bytes().enumerate() {
        let entity = match byte {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#x27;",
            _ => continue,
        };
        out.write_str(&text[written..at])?;
        out.write_str(entity)?;
        written = at + 1;
    }
    out.write_str(&text[written..])
}

impl fmt::Display for Linked<'_> {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut written = 0;
        for (range, id) in &self.links {
            escape(formatter, &self.text[written..range.start])?;
            write!(formatter, "<a class=\"term\" href=\"{}#term-", self.page)?;
            escape(formatter, id)?;
            formatter.write_str("\">")?;
            escape(formatter, &self.text[range.clone()])?;
            formatter.write_str("</a>")?;
            written = range.end;
        }
        escape(formatter, &self.text[written..])
    }
}

/// An option as shown after answering.
pub struct ChoiceOutcome<'a> {
    pub label: &'a str,
    pub why: &'a str,
    pub is_correct: bool,
    pub was_chosen: bool,
}

impl<'a> ChoiceOutcome<'a> {
    /// `choice` of `exercise`, when the learner chose `chosen` (if anything).
    pub fn of(exercise: &Exercise, choice: &'a Choice, chosen: Option<&str>) -> ChoiceOutcome<'a> {
        ChoiceOutcome {
            label: choice.label(),
            why: choice.why(),
            is_correct: choice.answer() == exercise.correct_choice().answer(),
            was_chosen: chosen == Some(choice.answer()),
        }
    }
}

/// A quote as shown after answering, with a link to it in its document.
pub struct QuoteView<'a> {
    pub source_title: &'a str,
    pub note: Option<&'a str>,
    pub text: &'a str,
    pub reader_url: String,
}

/// An exercise's quotes as shown after answering: the passage in its document (if the
/// exercise shows one) and the evidence from each source. `link_suffix` is added to
/// each link into the reader (it names the way back).
pub fn quote_views<'a>(
    pack: &'a Pack,
    exercise: &'a Exercise,
    link_suffix: &str,
) -> (Option<QuoteView<'a>>, Vec<QuoteView<'a>>) {
    // The versions of a quote exercise come last among its quotes, and are shown
    // apart (crate::web::view::version_views).
    let shown = usize::from(exercise.passage().is_some()) + exercise.evidence().len();
    let mut views = exercise
        .quotes()
        .take(shown)
        .enumerate()
        .map(|(index, quote)| QuoteView {
            source_title: pack
                .source(quote.source_id())
                .map(|source| source.short_title())
                .unwrap_or(quote.source_id()),
            note: quote.note(),
            text: quote.text(),
            reader_url: format!(
                "/packs/{}/sources/{}?exercise={}&quote={index}{link_suffix}#passage",
                pack.id(),
                quote.source_id(),
                exercise.id(),
            ),
        });
    let passage = if exercise.passage().is_some() {
        views.next()
    } else {
        None
    };
    (passage, views.collect())
}

/// One level of the optional "How sure are you?" on an answer form.
pub struct ConfidenceLevel {
    pub value: &'static str,
    pub label: &'static str,
    pub checked: bool,
}

/// The three levels of "How sure are you?", the one given before (if any) checked.
pub fn confidence_levels(given: Option<Confidence>) -> [ConfidenceLevel; 3] {
    Confidence::ALL.map(|level| ConfidenceLevel {
        value: level.slug(),
        label: level.label(),
        checked: given == Some(level),
    })
}

/// The first words of what an exercise shows, to remind the learner which it was.
pub fn excerpt(exercise: &Exercise) -> String {
    let text = exercise
        .claim()
        .or(exercise.passage().map(|passage| passage.text()))
        .unwrap_or(exercise.question());
    let folded = crate::content::text::fold_whitespace(text);
    if folded.chars().count() <= 140 {
        folded
    } else {
        let cut: String = folded.chars().take(140).collect();
        format!("{}…", cut.trim_end())
    }
}

pub fn passage_from<'a>(pack: &'a Pack, exercise: &Exercise) -> Option<&'a str> {
    if exercise.skill() == Skill::Source {
        return None;
    }
    exercise
        .passage()
        .and_then(|passage| pack.source(passage.source_id()))
        .map(|source| source.short_title())
}

/// The QR code of `url` as an inline SVG image. It is drawn from the URL's bits only:
/// no text of the URL appears in it.
pub fn qr_svg(url: &str) -> String {
    use qrcode::render::svg;
    match qrcode::QrCode::new(url.as_bytes()) {
        Ok(code) => {
            let image = code
                .render::<svg::Color>()
                .min_dimensions(280, 280)
                .dark_color(svg::Color("#000000"))
                .light_color(svg::Color("#ffffff"))
                .build();
            let start = image.find("<svg").unwrap_or(0);
            image[start..].replacen(
                "<svg",
                "<svg role=\"img\" aria-label=\"QR code of the join link\" class=\"qr\"",
                1,
            )
        }
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
        fields
            .iter()
            .map(|(key, value)| (key.to_string(), value.to_string()))
            .collect()
    }

    #[test]
    fn ticked_skills_make_the_focus_and_a_slug_is_read_without_boxes() {
        assert_eq!(
            focus_of_form(&pairs(&[("skill", "quote"), ("skill", "source")])),
            Ok(Focus::of([Skill::Source, Skill::Quote]).unwrap())
        );
        assert_eq!(focus_of_form(&pairs(&[("focus", "all")])), Ok(Focus::all()));
        assert_eq!(
            focus_of_form(&pairs(&[("csrf", "x")])),
            Err("Tick at least one skill.".to_string())
        );
        assert!(focus_of_form(&pairs(&[("skill", "history")])).is_err());
        assert!(focus_of_form(&pairs(&[("focus", "nonsense")])).is_err());
    }

    #[test]
    fn a_linked_text_is_escaped_around_and_inside_its_links() {
        let linked = Linked {
            text: "<b>CIS</b> & \"genocide\"",
            links: vec![(3..6, "cis"), (14..22, "genocide")],
            page: "/packs/p/glossary",
        };
        assert_eq!(
            linked.to_string(),
            "&lt;b&gt;<a class=\"term\" href=\"/packs/p/glossary#term-cis\">CIS</a>&lt;/b&gt; &amp; &quot;<a class=\"term\" href=\"/packs/p/glossary#term-genocide\">genocide</a>&quot;"
        );
    }
}
