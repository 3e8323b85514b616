//! The pure core of practising: choosing a round's exercises, shuffling options,
//! scoring answers and summing up progress. No I/O here; randomness comes in as a seed
//! or an RNG, and time comes in as a number, so every function is easy to test.

use std::fmt;

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use crate::content::{Exercise, Pack, Skill};
use crate::ids::Token;

/// How many exercises a round has unless the learner asks for another number.
pub const DEFAULT_ROUND_LENGTH: usize = 10;
/// The most exercises one round can have.
pub const MAX_ROUND_LENGTH: usize = 50;

/// What a round practises: any combination of the skills, at least one. Rounds of
/// several skills deal them in turns.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Focus {
    /// One bit per skill, in the order of [`Skill::ALL`]; never zero.
    bits: u8,
}

fn bit(skill: Skill) -> u8 {
    1 << (skill as u8)
}

impl Focus {
    /// One skill.
    pub fn only(skill: Skill) -> Focus {
        Focus { bits: bit(skill) }
    }

    /// Every skill.
    pub fn all() -> Focus {
        Focus::of(Skill::ALL).unwrap_or(Focus::only(Skill::Source))
    }

    /// The skills given, in any order and with repeats; `None` if there are none.
    pub fn of(skills: impl IntoIterator<Item = Skill>) -> Option<Focus> {
        let bits = skills.into_iter().fold(0, |bits, skill| bits | bit(skill));
        (bits != 0).then_some(Focus { bits })
    }

    /// The skills of the focus, in the order of [`Skill::ALL`].
    pub fn skills(self) -> impl Iterator<Item = Skill> {
        Skill::ALL
            .into_iter()
            .filter(move |&skill| self.contains(skill))
    }

    pub fn contains(self, skill: Skill) -> bool {
        self.bits & bit(skill) != 0
    }

    /// The skill, when the focus is one skill only.
    pub fn single(self) -> Option<Skill> {
        let mut skills = self.skills();
        match (skills.next(), skills.next()) {
            (Some(skill), None) => Some(skill),
            _ => None,
        }
    }

    /// The name used in forms and records: `all` for every skill, else the skills'
    /// slugs joined by `+` in the usual order (`source+quote`).
    pub fn slug(self) -> String {
        if self == Focus::all() {
            return "all".to_string();
        }
        self.skills().map(Skill::slug).collect::<Vec<_>>().join("+")
    }

    /// Reads [`Focus::slug`]. `mix` is how records from before the fourth skill name
    /// the three skills there were then.
    pub fn from_slug(slug: &str) -> Option<Focus> {
        match slug {
            "all" => Some(Focus::all()),
            "mix" => Focus::of([Skill::Source, Skill::Perspective, Skill::Contested]),
            _ => {
                let skills: Vec<Skill> = slug
                    .split('+')
                    .map(Skill::from_slug)
                    .collect::<Option<_>>()?;
                let focus = Focus::of(skills)?;
                // One spelling per focus, so that one focus has one slug.
                (focus.slug() == slug).then_some(focus)
            }
        }
    }

    /// What learners and teachers read: "All four skills", one skill's title, or the
    /// titles of the skills, as in "Which source? and Is the quote faithful?".
    pub fn title(self) -> String {
        if self == Focus::all() {
            return "All four skills".to_string();
        }
        let titles: Vec<&str> = self.skills().map(Skill::title).collect();
        match titles.split_last() {
            Some((last, [])) => (*last).to_string(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        }
    }
}

impl fmt::Debug for Focus {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "Focus({})", self.slug())
    }
}

/// Chooses the exercises of a new round, in order. The same seed gives the same round.
/// A round never repeats an exercise, so it is shorter than `length` when the pack has
/// fewer exercises of the focus.
pub fn plan_round(pack: &Pack, focus: Focus, length: usize, seed: u64) -> Vec<String> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut shuffled_ids = |skill: Skill| {
        let mut ids: Vec<String> = pack
            .exercises_of(skill)
            .map(|exercise| exercise.id().to_string())
            .collect();
        ids.shuffle(&mut rng);
        ids
    };
    match focus.single() {
        Some(skill) => shuffled_ids(skill).into_iter().take(length).collect(),
        None => {
            let piles = focus
                .skills()
                .map(|skill| shuffled_ids(skill).into_iter())
                .collect();
            deal(piles, length, &mut rng)
        }
    }
}

/// Deals the skills' piles in turns so that a round of several skills is balanced
/// between them; the order of the turns comes from `rng`.
fn deal(
    mut piles: Vec<std::vec::IntoIter<String>>,
    length: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<String> {
    piles.shuffle(rng);
    let mut planned = Vec::with_capacity(length.min(piles.iter().map(|pile| pile.len()).sum()));
    while planned.len() < length {
        let before = planned.len();
        for pile in piles.iter_mut() {
            if planned.len() < length
                && let Some(id) = pile.next()
            {
                planned.push(id);
            }
        }
        if planned.len() == before {
            break;
        }
    }
    planned
}

/// The order in which the options of `exercise`, at `position` in a round or session,
/// are shown (indices into its choices). The options of "Agreed or contested?" keep the
/// order of their scale (agreed, contested, one source only), so that the three-way
/// scale reads the same every time; the others are shuffled by [`choice_order`].
pub fn option_order(exercise: &Exercise, seed: u64, position: usize) -> Vec<usize> {
    let choices = exercise.choices();
    if exercise.skill() == Skill::Contested {
        let mut order: Vec<usize> = (0..choices.len()).collect();
        order.sort_by_key(|&index| crate::content::scale_rank(choices[index].answer()));
        return order;
    }
    choice_order(seed, position, choices.len())
}

/// A permutation of `0..count`, fixed by the round's seed so that a reload shows the
/// same.
pub fn choice_order(seed: u64, position: usize, count: usize) -> Vec<usize> {
    let mixed = seed ^ (position as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut rng = ChaCha8Rng::seed_from_u64(mixed);
    let mut order: Vec<usize> = (0..count).collect();
    order.shuffle(&mut rng);
    order
}

/// How sure a learner said they were of an answer. Saying is optional: an answer
/// without it (and every answer given before it was asked) has `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Confidence {
    Sure,
    FairlySure,
    Guessing,
}

impl Confidence {
    /// Every level, from the surest.
    pub const ALL: [Confidence; 3] = [
        Confidence::Sure,
        Confidence::FairlySure,
        Confidence::Guessing,
    ];

    /// The value of the form field `confidence` and of records.
    pub fn slug(self) -> &'static str {
        match self {
            Confidence::Sure => "sure",
            Confidence::FairlySure => "fairly-sure",
            Confidence::Guessing => "guessing",
        }
    }

    pub fn from_slug(slug: &str) -> Option<Confidence> {
        Confidence::ALL
            .into_iter()
            .find(|confidence| confidence.slug() == slug)
    }

    /// What the learner reads on the form: "Sure", "Fairly sure", "Guessing".
    pub fn label(self) -> &'static str {
        match self {
            Confidence::Sure => "Sure",
            Confidence::FairlySure => "Fairly sure",
            Confidence::Guessing => "Guessing",
        }
    }

    /// The feedback's reminder: "you were sure", "you were fairly sure", "you were
    /// guessing".
    pub fn reminder(self) -> &'static str {
        match self {
            Confidence::Sure => "you were sure",
            Confidence::FairlySure => "you were fairly sure",
            Confidence::Guessing => "you were guessing",
        }
    }
}

/// One recorded answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    pub exercise_id: String,
    pub skill: Skill,
    pub choice: String,
    pub correct: bool,
    /// Seconds since the Unix epoch.
    pub answered_at: u64,
    /// How sure the learner said they were, if they said.
    pub confidence: Option<Confidence>,
    /// The exercise's [`Exercise::fingerprint`] when it was answered: which version of
    /// a teacher's exercise it was. `None` in answers stored before it was kept.
    pub fingerprint: Option<u64>,
}

impl Answer {
    /// Scores `choice` for `exercise`; `None` when the choice is not one of its options.
    pub fn grade(
        exercise: &Exercise,
        choice: &str,
        confidence: Option<Confidence>,
        answered_at: u64,
    ) -> Option<Answer> {
        exercise.choice(choice)?;
        Some(Answer {
            exercise_id: exercise.id().to_string(),
            skill: exercise.skill(),
            choice: choice.to_string(),
            correct: exercise.correct_choice().answer() == choice,
            answered_at,
            confidence,
            fingerprint: Some(exercise.fingerprint()),
        })
    }
}

/// A practice round: a fixed list of exercises and the answers given so far.
#[derive(Debug, Clone)]
pub struct Round {
    pub id: Token,
    pub learner: Token,
    pub pack_id: String,
    pub focus: Focus,
    pub seed: u64,
    /// Shared: a round read again shares its plan with the cache of plans.
    pub exercise_ids: std::sync::Arc<[String]>,
    /// Seconds since the Unix epoch.
    pub created_at: u64,
    /// One slot per exercise, in order.
    pub answers: Vec<Option<Answer>>,
    /// The assignment this round does, if it is not free practice.
    pub assignment: Option<Token>,
    /// A review round: the exercises due for review (see [`crate::review`]).
    pub review: bool,
}

impl Round {
    pub fn new(
        id: Token,
        learner: Token,
        pack: &Pack,
        focus: Focus,
        length: usize,
        seed: u64,
        created_at: u64,
    ) -> Round {
        let exercise_ids = plan_round(pack, focus, length, seed);
        Round::with_exercises(id, learner, pack, focus, exercise_ids, seed, created_at)
    }

    /// A round of exercises chosen beforehand (an assignment that gives everyone the
    /// same questions), in the order given. `seed` still orders each exercise's options.
    pub fn with_exercises(
        id: Token,
        learner: Token,
        pack: &Pack,
        focus: Focus,
        exercise_ids: Vec<String>,
        seed: u64,
        created_at: u64,
    ) -> Round {
        let answers = vec![None; exercise_ids.len()];
        Round {
            id,
            learner,
            pack_id: pack.id().to_string(),
            focus,
            seed,
            exercise_ids: exercise_ids.into(),
            created_at,
            answers,
            assignment: None,
            review: false,
        }
    }

    pub fn len(&self) -> usize {
        self.exercise_ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.exercise_ids.is_empty()
    }

    /// The position (0-based) of the first exercise not yet answered.
    pub fn next_unanswered(&self) -> Option<usize> {
        self.answers.iter().position(Option::is_none)
    }

    pub fn is_finished(&self) -> bool {
        self.next_unanswered().is_none()
    }

    pub fn answered(&self) -> usize {
        self.answers.iter().flatten().count()
    }

    pub fn tally(&self) -> Tally {
        Tally::of(self.answers.iter().flatten())
    }
}

/// Answers and correct answers of one skill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SkillScore {
    pub skill: Skill,
    pub answered: usize,
    pub correct: usize,
}

impl SkillScore {
    /// Share correct, in whole percent rounded to the nearest (2 of 3 is 67%), but never
    /// 100% unless every answer was right; `None` before any answer.
    pub fn accuracy_percent(&self) -> Option<usize> {
        (self.answered > 0).then(|| {
            let rounded = (self.correct * 100 + self.answered / 2) / self.answered;
            if self.correct < self.answered {
                rounded.min(99)
            } else {
                rounded
            }
        })
    }
}

/// Scores per skill over any set of answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    scores: [SkillScore; Skill::COUNT],
}

impl Default for Tally {
    fn default() -> Tally {
        Tally {
            scores: Skill::ALL.map(|skill| SkillScore {
                skill,
                answered: 0,
                correct: 0,
            }),
        }
    }
}

impl Tally {
    pub fn of<'a>(answers: impl IntoIterator<Item = &'a Answer>) -> Tally {
        let mut tally = Tally::default();
        for answer in answers {
            tally.add(answer);
        }
        tally
    }

    pub fn add(&mut self, answer: &Answer) {
        let score = &mut self.scores[answer.skill as usize];
        score.answered += 1;
        score.correct += usize::from(answer.correct);
    }

    pub fn merge(&mut self, other: &Tally) {
        for (mine, theirs) in self.scores.iter_mut().zip(other.scores.iter()) {
            mine.answered += theirs.answered;
            mine.correct += theirs.correct;
        }
    }

    pub fn scores(&self) -> &[SkillScore; Skill::COUNT] {
        &self.scores
    }

    pub fn answered(&self) -> usize {
        self.scores.iter().map(|score| score.answered).sum()
    }

    pub fn correct(&self) -> usize {
        self.scores.iter().map(|score| score.correct).sum()
    }

    /// The answered skill with the lowest share correct; on a tie, the one practised
    /// least, then the first in the usual order. `None` before any answer.
    pub fn weakest(&self) -> Option<Skill> {
        self.scores
            .iter()
            .filter(|score| score.answered > 0)
            .min_by(|left, right| {
                // Compare correct/answered as fractions without rounding.
                (left.correct * right.answered)
                    .cmp(&(right.correct * left.answered))
                    .then(left.answered.cmp(&right.answered))
            })
            .map(|score| score.skill)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(skill: Skill, correct: bool) -> Answer {
        Answer {
            exercise_id: "x".into(),
            skill,
            choice: "y".into(),
            correct,
            answered_at: 0,
            confidence: None,
            fingerprint: None,
        }
    }

    #[test]
    fn every_combination_of_skills_reads_back_from_its_slug() {
        let mut slugs = std::collections::HashSet::new();
        let mut titles = std::collections::HashSet::new();
        for bits in 1u8..16 {
            let focus = Focus::of(
                Skill::ALL
                    .into_iter()
                    .filter(|&skill| bits & (1 << skill as u8) != 0),
            )
            .unwrap();
            assert_eq!(Focus::from_slug(&focus.slug()), Some(focus));
            slugs.insert(focus.slug());
            titles.insert(focus.title());
        }
        assert_eq!(slugs.len(), 15);
        assert_eq!(titles.len(), 15, "every combination has its own title");
        assert_eq!(Focus::all().slug(), "all");
        assert_eq!(Focus::all().title(), "All four skills");
        assert_eq!(
            Focus::of([Skill::Quote, Skill::Source]).unwrap().slug(),
            "source+quote"
        );
        assert_eq!(
            Focus::of([Skill::Quote, Skill::Source]).unwrap().title(),
            "Which source? and Is the quote faithful?"
        );
        assert_eq!(Focus::only(Skill::Quote).slug(), "quote");
        assert_eq!(Focus::of([]), None);
        assert_eq!(Focus::from_slug("quote+source"), None, "one spelling each");
        assert_eq!(Focus::from_slug("source+source"), None);
        assert_eq!(Focus::from_slug(""), None);
        assert_eq!(Focus::from_slug("all+quote"), None);
    }

    #[test]
    fn a_mix_from_before_the_fourth_skill_is_the_three_skills_of_then() {
        let mix = Focus::from_slug("mix").unwrap();
        assert_eq!(
            mix.skills().collect::<Vec<_>>(),
            vec![Skill::Source, Skill::Perspective, Skill::Contested]
        );
        assert_eq!(mix.slug(), "source+perspective+contested");
    }

    #[test]
    fn the_same_seed_gives_the_same_option_order() {
        assert_eq!(choice_order(42, 3, 5), choice_order(42, 3, 5));
        let mut sorted = choice_order(42, 3, 5);
        sorted.sort();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4]);
        let differs =
            (0..20).any(|position| choice_order(42, position, 5) != choice_order(42, 0, 5));
        assert!(differs, "option order should change between exercises");
    }

    #[test]
    fn the_weakest_skill_has_the_lowest_share_correct_and_on_a_tie_is_practised_least() {
        let cases: [(&[Answer], Option<Skill>); 3] = [
            (
                &[
                    answer(Skill::Source, true),
                    answer(Skill::Source, false),
                    answer(Skill::Perspective, true),
                    answer(Skill::Contested, false),
                    answer(Skill::Contested, true),
                    answer(Skill::Contested, false),
                ],
                Some(Skill::Contested),
            ),
            // A tie at 0 %: the skill practised least.
            (
                &[
                    answer(Skill::Source, false),
                    answer(Skill::Source, false),
                    answer(Skill::Contested, false),
                ],
                Some(Skill::Contested),
            ),
            (&[], None),
        ];
        for (answers, weakest) in cases {
            assert_eq!(Tally::of(answers).weakest(), weakest, "{answers:?}");
        }
        let tally = Tally::of(cases[0].0);
        assert_eq!(tally.answered(), 6);
        assert_eq!(tally.correct(), 3);
        assert_eq!(Tally::default().weakest(), None);
    }

    #[test]
    fn accuracy_is_in_whole_percent() {
        let score = SkillScore {
            skill: Skill::Source,
            answered: 3,
            correct: 2,
        };
        assert_eq!(score.accuracy_percent(), Some(67));
        let score = |answered, correct| SkillScore {
            skill: Skill::Source,
            answered,
            correct,
        };
        assert_eq!(score(200, 199).accuracy_percent(), Some(99));
        assert_eq!(score(4, 4).accuracy_percent(), Some(100));
        assert_eq!(score(3, 0).accuracy_percent(), Some(0));
        assert_eq!(
            SkillScore {
                skill: Skill::Source,
                answered: 0,
                correct: 0
            }
            .accuracy_percent(),
            None
        );
    }
}
