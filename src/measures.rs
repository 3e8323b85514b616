//! Learning measures from answers, as plain values with their plain words: how well
//! answers tell one verdict from another (discernment), whether being sure went with
//! being right (calibration), and how much of what was left to learn was learned
//! (Hake's normalised gain). Pages say them about a learner, a class, a live session's
//! room or a nickname ([`Subject`]); the values serialize for the JSON API.
//!
//! No I/O.
//!
//! # Discernment
//!
//! Signal detection over one skill's answers ([`Signal`]). For "Agreed or contested?"
//! the signal is `contested` and the noise `agreed`; for "Is the quote faithful?" the
//! signal is `changed` and the noise `faithful`. The third verdict (`single-source`,
//! `unverifiable`) counts only in the 3×3 table of verdict supported by verdict given.
//!
//! - A hit is the signal said when the key is the signal; a miss, anything else said then.
//! - A false alarm is the signal said when the key is the noise; a correct rejection,
//!   anything else said then.
//! - H = (hits + 0.5) / (hits + misses + 1) and
//!   F = (false alarms + 0.5) / (false alarms + correct rejections + 1): the log-linear
//!   correction (Hautus 1995), which keeps both rates off 0 and 1 so that z is finite.
//! - Sensitivity d′ = z(H) − z(F), with z the inverse of the standard normal CDF
//!   ([`normal_quantile`], Wichura's AS241).
//! - Criterion c = −(z(H) + z(F)) / 2. Negative leans toward saying the signal.
//!
//! Saying the signal every time gives H = F, so d′ = 0 and a clearly negative c, however
//! many of those answers were right (5 of each: c = −1.38).
//!
//! The words use these thresholds. With no lean, a share Φ(d′/2) of the answers is right.
//!
//! - d′ ≥ [`D_PRIME_WELL`] (1.0, about 69% right) tells them apart well;
//!   d′ ≥ [`D_PRIME_PARTLY`] (0.5, about 60%) only partly; below that, not yet.
//! - c ≤ −[`CRITERION_LEAN`] (0.25) says the signal more often than the sources do;
//!   c ≥ 0.25, the noise. With d′ = 1 and as many signals as noises, c = −0.25 means
//!   saying the signal 59 times in 100 where the sources say it 50 times.
//! - Under [`MIN_ANSWERS_EACH`] (3) answers on the signal or on the noise, d′ and c are
//!   still computed but not [`enough`](Discernment::enough), and the words say how many
//!   more answers are needed. With 2 of each, a single slip would move d′ from 1.93
//!   ("well") to 0.97 ("only partly"); with 3 of each, 2.30 to 1.47.
//!
//! # Calibration
//!
//! Answered and right per level of confidence ([`Calibration`]). A level with at most
//! [`EXACT_UP_TO`] (10) answers is said exactly ("3 times out of 4"), a larger one out
//! of 10 ("about 7 out of 10"), never 10 out of 10 unless all were right nor 0 unless
//! none were. Sure and guessing are compared once each has [`MIN_ANSWERS_TO_COMPARE`]
//! (5) answers.
//!
//! # Normalised gain
//!
//! Hake's g = (post − pre) / (100 − pre), in percent scores ([`hake_gain`]). For a class,
//! Hake's ⟨g⟩ takes the class's average scores before and after, not an average of each
//! student's g.

use serde::Serialize;

use crate::content::{Exercise, Skill};
use crate::live::LiveAnswer;
use crate::practice::{Answer, Confidence};

/// From this d′ up, answers tell the signal from the noise well.
pub const D_PRIME_WELL: f64 = 1.0;
/// From this d′ up (and below [`D_PRIME_WELL`]), answers tell them apart only partly.
pub const D_PRIME_PARTLY: f64 = 0.5;
/// From this distance of c from 0, answers lean toward one verdict.
pub const CRITERION_LEAN: f64 = 0.25;
/// Answers needed on the signal, and on the noise, before discernment is put in words.
pub const MIN_ANSWERS_EACH: usize = 3;
/// A level of confidence with at most this many answers is said exactly, a larger one
/// out of 10.
pub const EXACT_UP_TO: usize = 10;
/// Answers needed when sure and when guessing before the two are compared.
pub const MIN_ANSWERS_TO_COMPARE: usize = 5;

/// Who the sentences are about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Subject {
    /// The learner reading the page: "You tell…".
    You,
    /// A class, or an assignment's students: "The class tells…".
    Class,
    /// Everyone in a live session: "The room tells…".
    Room,
    /// Someone named, such as a student by nickname: "Sam tells…".
    Named(String),
}

impl Subject {
    /// How a sentence begins with it: "You", "The class", "Sam".
    fn name(&self) -> &str {
        match self {
            Subject::You => "You",
            Subject::Class => "The class",
            Subject::Room => "The room",
            Subject::Named(name) => name,
        }
    }

    /// Within a sentence: "you", "the class", "Sam".
    fn within(&self) -> &str {
        match self {
            Subject::You => "you",
            Subject::Class => "the class",
            Subject::Room => "the room",
            Subject::Named(name) => name,
        }
    }

    /// Whether its name takes the verb's plural form ("you tell", "the class tells").
    fn name_is_plural(&self) -> bool {
        *self == Subject::You
    }

    /// The pronoun that stands for it: "you", "it", or "they" for a person.
    fn pronoun(&self) -> &'static str {
        match self {
            Subject::You => "you",
            Subject::Class | Subject::Room => "it",
            Subject::Named(_) => "they",
        }
    }

    fn pronoun_is_plural(&self) -> bool {
        matches!(self, Subject::You | Subject::Named(_))
    }

    /// "your", "its", "their".
    fn possessive(&self) -> &'static str {
        match self {
            Subject::You => "your",
            Subject::Class | Subject::Room => "its",
            Subject::Named(_) => "their",
        }
    }

    /// How a sentence begins with its possessive: "Your", "The class's", "Sam's".
    fn name_possessive(&self) -> String {
        match self {
            Subject::You => "Your".to_string(),
            other => format!("{}'s", other.name()),
        }
    }

    /// "You tell", "The class tells": its name and the verb agreeing with it.
    fn name_and(&self, plural: &str, singular: &str) -> String {
        let verb = if self.name_is_plural() {
            plural
        } else {
            singular
        };
        format!("{} {verb}", self.name())
    }
}

/// What one skill's discernment counts as signal and as noise, and its words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Signal {
    skill: Skill,
    /// The skill's verdicts in the order of its scale: the noise, the signal, the third.
    verdicts: [&'static str; 3],
    /// What the exercises are about, in the plural: "claims".
    items: &'static str,
    /// What the key is, after "more often than": "the sources do".
    key_says: &'static str,
}

/// Positions in [`Signal::verdicts`] and in the rows and columns of the table.
const NOISE: usize = 0;
const SIGNAL: usize = 1;
const THIRD: usize = 2;

impl Signal {
    /// "Agreed or contested?": is the claim contested (the signal) or agreed (the noise)?
    pub const CONTESTED: Signal = Signal {
        skill: Skill::Contested,
        verdicts: ["agreed", "contested", "single-source"],
        items: "claims",
        key_says: "the sources do",
    };

    /// "Is the quote faithful?": was the quote changed (the signal) or is it faithful (the
    /// noise)?
    pub const QUOTE: Signal = Signal {
        skill: Skill::Quote,
        verdicts: ["faithful", "changed", "unverifiable"],
        items: "quotes",
        key_says: "the sources show",
    };

    /// The signal of a skill that has one.
    pub fn of(skill: Skill) -> Option<Signal> {
        [Signal::CONTESTED, Signal::QUOTE]
            .into_iter()
            .find(|signal| signal.skill == skill)
    }

    pub fn skill(&self) -> Skill {
        self.skill
    }

    /// The skill's verdicts as slugs, in the order of the table's rows and columns: the
    /// noise, the signal, then the one that counts only in the table.
    pub fn verdicts(&self) -> [&'static str; 3] {
        self.verdicts
    }

    pub fn signal_verdict(&self) -> &'static str {
        self.verdicts[SIGNAL]
    }

    pub fn noise_verdict(&self) -> &'static str {
        self.verdicts[NOISE]
    }

    fn position(&self, verdict: &str) -> Option<usize> {
        self.verdicts.iter().position(|known| *known == verdict)
    }

    /// "agreed from contested claims".
    fn pair(&self) -> String {
        format!(
            "{} from {} {}",
            self.verdicts[NOISE], self.verdicts[SIGNAL], self.items
        )
    }

    /// "1 more answer on a contested claim", "3 more on agreed claims".
    fn more(&self, side: usize, count: usize, first: bool) -> String {
        let answers = match (first, count) {
            (false, _) => "",
            (true, 1) => " answer",
            (true, _) => " answers",
        };
        let verdict = self.verdicts[side];
        if count == 1 {
            let article = if verdict.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            let item = self.items.strip_suffix('s').unwrap_or(self.items);
            format!("1 more{answers} on {article} {verdict} {item}")
        } else {
            format!("{count} more{answers} on {verdict} {}", self.items)
        }
    }
}

/// How well answers tell the signal from the noise, by d′.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sensitivity {
    /// d′ ≥ [`D_PRIME_WELL`].
    Well,
    /// [`D_PRIME_PARTLY`] ≤ d′ < [`D_PRIME_WELL`].
    Partly,
    /// d′ < [`D_PRIME_PARTLY`].
    NotYet,
}

/// Which verdict answers lean toward, by c.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lean {
    /// c ≤ −[`CRITERION_LEAN`]: the signal is said more often than the sources support.
    TowardSignal,
    /// c ≥ [`CRITERION_LEAN`]: the signal is said less often (the noise more often).
    TowardNoise,
    Neither,
}

/// Signal detection over one skill's answers: the 3×3 table of verdicts, the four counts,
/// d′ and c. Build it with [`Discernment::new`] and [`Discernment::add`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "DiscernmentFigures")]
pub struct Discernment {
    signal: Signal,
    /// Rows: the verdict the sources support; columns: the verdict given; both in the
    /// order of [`Signal::verdicts`].
    table: [[usize; 3]; 3],
}

impl Discernment {
    pub fn new(signal: Signal) -> Discernment {
        Discernment {
            signal,
            table: [[0; 3]; 3],
        }
    }

    pub fn signal(&self) -> Signal {
        self.signal
    }

    /// Counts one answer: `given` the verdict chosen, `key` the verdict the sources
    /// support, both slugs. An answer with a slug that is not one of the skill's verdicts
    /// is left out.
    pub fn add(&mut self, given: &str, key: &str) {
        if let (Some(given), Some(key)) = (self.signal.position(given), self.signal.position(key)) {
            self.table[key][given] += 1;
        }
    }

    /// Adds another's counts to these.
    ///
    /// # Panics
    ///
    /// If the two are about different signals.
    pub fn merge(&mut self, other: &Discernment) {
        assert_eq!(self.signal, other.signal, "merging different signals");
        for (mine, theirs) in self.table.iter_mut().zip(other.table) {
            for (mine, theirs) in mine.iter_mut().zip(theirs) {
                *mine += theirs;
            }
        }
    }

    /// How many gave the verdict `given` where the sources support `key`, both slugs.
    pub fn count(&self, given: &str, key: &str) -> usize {
        match (self.signal.position(key), self.signal.position(given)) {
            (Some(key), Some(given)) => self.table[key][given],
            _ => 0,
        }
    }

    /// Rows: the verdict the sources support; columns: the verdict given; both in the
    /// order of [`Signal::verdicts`].
    pub fn table(&self) -> [[usize; 3]; 3] {
        self.table
    }

    /// Every answer counted, the third verdict's included.
    pub fn answered(&self) -> usize {
        self.table.iter().flatten().sum()
    }

    pub fn hits(&self) -> usize {
        self.table[SIGNAL][SIGNAL]
    }

    pub fn misses(&self) -> usize {
        self.table[SIGNAL][NOISE] + self.table[SIGNAL][THIRD]
    }

    pub fn false_alarms(&self) -> usize {
        self.table[NOISE][SIGNAL]
    }

    pub fn correct_rejections(&self) -> usize {
        self.table[NOISE][NOISE] + self.table[NOISE][THIRD]
    }

    /// H, with the log-linear correction: (hits + 0.5) / (hits + misses + 1).
    pub fn hit_rate(&self) -> f64 {
        corrected_rate(self.hits(), self.misses())
    }

    /// F, with the log-linear correction: (false alarms + 0.5) / (false alarms + correct
    /// rejections + 1).
    pub fn false_alarm_rate(&self) -> f64 {
        corrected_rate(self.false_alarms(), self.correct_rejections())
    }

    /// d′ = z(H) − z(F): 0 when answers do not tell the signal from the noise.
    pub fn d_prime(&self) -> f64 {
        normal_quantile(self.hit_rate()) - normal_quantile(self.false_alarm_rate())
    }

    /// c = −(z(H) + z(F)) / 2: negative when the signal is said more often than the
    /// sources support, positive when less often.
    pub fn criterion(&self) -> f64 {
        let criterion =
            -(normal_quantile(self.hit_rate()) + normal_quantile(self.false_alarm_rate())) / 2.0;
        // No "−0": a balanced criterion reads 0 in the JSON too.
        if criterion == 0.0 { 0.0 } else { criterion }
    }

    /// Whether there are at least [`MIN_ANSWERS_EACH`] answers on the signal and as many
    /// on the noise, enough to put d′ and c in words.
    pub fn enough(&self) -> bool {
        self.more_needed() == (0, 0)
    }

    /// How many more answers on the signal and on the noise are needed.
    fn more_needed(&self) -> (usize, usize) {
        (
            MIN_ANSWERS_EACH.saturating_sub(self.hits() + self.misses()),
            MIN_ANSWERS_EACH.saturating_sub(self.false_alarms() + self.correct_rejections()),
        )
    }

    pub fn sensitivity(&self) -> Sensitivity {
        let d_prime = self.d_prime();
        if d_prime >= D_PRIME_WELL {
            Sensitivity::Well
        } else if d_prime >= D_PRIME_PARTLY {
            Sensitivity::Partly
        } else {
            Sensitivity::NotYet
        }
    }

    pub fn lean(&self) -> Lean {
        let criterion = self.criterion();
        if criterion <= -CRITERION_LEAN {
            Lean::TowardSignal
        } else if criterion >= CRITERION_LEAN {
            Lean::TowardNoise
        } else {
            Lean::Neither
        }
    }

    /// "You tell agreed from contested claims well.", by d′, whether or not there are
    /// [`enough`](Discernment::enough) answers.
    pub fn sensitivity_words(&self, subject: &Subject) -> String {
        let pair = self.signal.pair();
        match self.sensitivity() {
            Sensitivity::Well => format!("{} {pair} well.", subject.name_and("tell", "tells")),
            Sensitivity::Partly => format!(
                "{} {pair} apart only partly.",
                subject.name_and("tell", "tells")
            ),
            Sensitivity::NotYet => format!(
                "{} not yet tell {pair} apart.",
                subject.name_and("do", "does")
            ),
        }
    }

    /// "You call claims contested more often than the sources do.", by c, whether or not
    /// there are [`enough`](Discernment::enough) answers.
    pub fn lean_words(&self, subject: &Subject) -> String {
        let Signal {
            verdicts,
            items,
            key_says,
            ..
        } = self.signal;
        let call = subject.name_and("call", "calls");
        match self.lean() {
            Lean::TowardSignal => format!(
                "{call} {items} {} more often than {key_says}.",
                verdicts[SIGNAL]
            ),
            Lean::TowardNoise => format!(
                "{call} {items} {} more often than {key_says}.",
                verdicts[NOISE]
            ),
            Lean::Neither => format!(
                "{call} {items} {} about as often as {key_says}.",
                verdicts[SIGNAL]
            ),
        }
    }

    /// The sensitivity and lean words, or with too few answers a sentence saying how
    /// many more are needed.
    pub fn words(&self, subject: &Subject) -> String {
        let (signal, noise) = self.more_needed();
        let needed = match (signal, noise) {
            (0, 0) => {
                return format!(
                    "{} {}",
                    self.sensitivity_words(subject),
                    self.lean_words(subject)
                );
            }
            (0, noise) => self.signal.more(NOISE, noise, true),
            (signal, 0) => self.signal.more(SIGNAL, signal, true),
            (signal, noise) => format!(
                "{} and {}",
                self.signal.more(SIGNAL, signal, true),
                self.signal.more(NOISE, noise, false)
            ),
        };
        let tell = if subject.name_is_plural() {
            "tell"
        } else {
            "tells"
        };
        format!(
            "Not enough answers yet to say how well {} {tell} {} apart: this needs at least {needed}.",
            subject.within(),
            self.signal.pair()
        )
    }
}

/// What a [`Discernment`] serializes as: its counts and its figures.
#[derive(Serialize)]
struct DiscernmentFigures {
    skill: &'static str,
    verdicts: [&'static str; 3],
    /// Rows: the verdict the sources support; columns: the verdict given.
    table: [[usize; 3]; 3],
    hits: usize,
    misses: usize,
    false_alarms: usize,
    correct_rejections: usize,
    hit_rate: f64,
    false_alarm_rate: f64,
    d_prime: f64,
    criterion: f64,
    enough: bool,
    sensitivity: Sensitivity,
    /// The verdict answers lean toward, if they lean.
    leans_toward: Option<&'static str>,
}

impl From<Discernment> for DiscernmentFigures {
    fn from(discernment: Discernment) -> DiscernmentFigures {
        let verdicts = discernment.signal.verdicts;
        DiscernmentFigures {
            skill: discernment.signal.skill.slug(),
            verdicts,
            table: discernment.table,
            hits: discernment.hits(),
            misses: discernment.misses(),
            false_alarms: discernment.false_alarms(),
            correct_rejections: discernment.correct_rejections(),
            hit_rate: discernment.hit_rate(),
            false_alarm_rate: discernment.false_alarm_rate(),
            d_prime: discernment.d_prime(),
            criterion: discernment.criterion(),
            enough: discernment.enough(),
            sensitivity: discernment.sensitivity(),
            leans_toward: match discernment.lean() {
                Lean::TowardSignal => Some(verdicts[SIGNAL]),
                Lean::TowardNoise => Some(verdicts[NOISE]),
                Lean::Neither => None,
            },
        }
    }
}

/// (yes + 0.5) / (yes + no + 1): a rate kept off 0 and 1 (the log-linear correction).
fn corrected_rate(yes: usize, no: usize) -> f64 {
    (yes as f64 + 0.5) / ((yes + no) as f64 + 1.0)
}

/// The inverse of the standard normal CDF, z(p): the z-score below which a share `p` of
/// the normal distribution lies (z(0.975) = 1.959964). Wichura's algorithm AS241
/// (PPND16, Applied Statistics 37, 1988), accurate to about 1 part in 10¹⁶. Gives −∞ at
/// 0, +∞ at 1, and NaN outside [0, 1].
pub fn normal_quantile(p: f64) -> f64 {
    if !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    let q = p - 0.5;
    if q.abs() <= 0.425 {
        let r = 0.180625 - q * q;
        return q * polynomial(&CENTRAL_NUMERATOR, r) / polynomial(&CENTRAL_DENOMINATOR, r);
    }
    let tail = if q < 0.0 { p } else { 1.0 - p };
    if tail == 0.0 {
        return if q < 0.0 {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        };
    }
    let r = (-tail.ln()).sqrt();
    let z = if r <= 5.0 {
        let r = r - 1.6;
        polynomial(&NEAR_NUMERATOR, r) / polynomial(&NEAR_DENOMINATOR, r)
    } else {
        let r = r - 5.0;
        polynomial(&FAR_NUMERATOR, r) / polynomial(&FAR_DENOMINATOR, r)
    };
    if q < 0.0 { -z } else { z }
}

/// c₀ + c₁r + … + c₇r⁷, by Horner's rule.
fn polynomial(coefficients: &[f64; 8], r: f64) -> f64 {
    coefficients
        .iter()
        .rev()
        .fold(0.0, |sum, coefficient| sum * r + coefficient)
}

// AS241's coefficients, lowest power first, digit for digit as published.

/// For |p − 0.5| ≤ 0.425.
#[expect(
    clippy::excessive_precision,
    reason = "as published, so that they can be checked against the paper"
)]
const CENTRAL_NUMERATOR: [f64; 8] = [
    3.3871328727963666080e0,
    1.3314166789178437745e+2,
    1.9715909503065514427e+3,
    1.3731693765509461125e+4,
    4.5921953931549871457e+4,
    6.7265770927008700853e+4,
    3.3430575583588128105e+4,
    2.5090809287301226727e+3,
];
#[expect(
    clippy::excessive_precision,
    reason = "as published, so that they can be checked against the paper"
)]
const CENTRAL_DENOMINATOR: [f64; 8] = [
    1.0,
    4.2313330701600911252e+1,
    6.8718700749205790830e+2,
    5.3941960214247511077e+3,
    2.1213794301586595867e+4,
    3.9307895800092710610e+4,
    2.8729085735721942674e+4,
    5.2264952788528545610e+3,
];
/// For tails with √(−ln tail) ≤ 5 (down to a tail of about 1.4 × 10⁻¹¹).
#[expect(
    clippy::excessive_precision,
    reason = "as published, so that they can be checked against the paper"
)]
const NEAR_NUMERATOR: [f64; 8] = [
    1.42343711074968357734e0,
    4.63033784615654529590e0,
    5.76949722146069140550e0,
    3.64784832476320460504e0,
    1.27045825245236838258e0,
    2.41780725177450611770e-1,
    2.27238449892691845833e-2,
    7.74545014278341407640e-4,
];
#[expect(
    clippy::excessive_precision,
    reason = "as published, so that they can be checked against the paper"
)]
const NEAR_DENOMINATOR: [f64; 8] = [
    1.0,
    2.05319162663775882187e0,
    1.67638483018380384940e0,
    6.89767334985100004550e-1,
    1.48103976427480074590e-1,
    1.51986665636164571966e-2,
    5.47593808499534494600e-4,
    1.05075007164441684324e-9,
];
/// For the farther tails.
#[expect(
    clippy::excessive_precision,
    reason = "as published, so that they can be checked against the paper"
)]
const FAR_NUMERATOR: [f64; 8] = [
    6.65790464350110377720e0,
    5.46378491116411436990e0,
    1.78482653991729133580e0,
    2.96560571828504891230e-1,
    2.65321895265761230930e-2,
    1.24266094738807843860e-3,
    2.71155556874348757815e-5,
    2.01033439929228813265e-7,
];
#[expect(
    clippy::excessive_precision,
    reason = "as published, so that they can be checked against the paper"
)]
const FAR_DENOMINATOR: [f64; 8] = [
    1.0,
    5.99832206555887937690e-1,
    1.36929880922735805310e-1,
    1.48753612908506148525e-2,
    7.86869131145613259100e-4,
    1.84631831751005468180e-5,
    1.42151175831644588870e-7,
    2.04426310338993978564e-15,
];

/// Answers and right answers at one level of confidence.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    pub answered: usize,
    pub correct: usize,
}

impl Count {
    /// The share right, from 0 to 1; `None` before any answer.
    pub fn share_correct(&self) -> Option<f64> {
        (self.answered > 0).then(|| self.correct as f64 / self.answered as f64)
    }

    /// How many times right, said exactly up to [`EXACT_UP_TO`] answers ("3 times out
    /// of 4") and out of 10 above ("about 7 times out of 10"); without `times`, the
    /// word is left out ("3 out of 4").
    fn words(&self, times: bool) -> String {
        let (about, correct, out_of) = if self.answered <= EXACT_UP_TO {
            ("", self.correct, self.answered)
        } else {
            // Rounded to the nearest tenth, half up, but never all or none unless so.
            let tenths = match self.correct {
                0 => 0,
                correct if correct == self.answered => 10,
                correct => ((correct * 20 + self.answered) / (self.answered * 2)).clamp(1, 9),
            };
            let exact = self.correct * 10 == tenths * self.answered;
            (if exact { "" } else { "about " }, tenths, 10)
        };
        let times = match (times, correct) {
            (false, _) => "",
            (true, 1) => " time",
            (true, _) => " times",
        };
        format!("{about}{correct}{times} out of {out_of}")
    }
}

/// Whether being sure went with being right: answered and right per level of
/// confidence, and for answers where none was given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Calibration {
    sure: Count,
    fairly_sure: Count,
    guessing: Count,
    not_given: Count,
}

impl Calibration {
    pub fn add(&mut self, confidence: Option<Confidence>, correct: bool) {
        let count = self.level_mut(confidence);
        count.answered += 1;
        count.correct += usize::from(correct);
    }

    pub fn merge(&mut self, other: &Calibration) {
        for confidence in LEVELS {
            let theirs = other.level(confidence);
            let mine = self.level_mut(confidence);
            mine.answered += theirs.answered;
            mine.correct += theirs.correct;
        }
    }

    /// The answers at one level; `None` is the answers where none was given.
    pub fn level(&self, confidence: Option<Confidence>) -> Count {
        match confidence {
            Some(Confidence::Sure) => self.sure,
            Some(Confidence::FairlySure) => self.fairly_sure,
            Some(Confidence::Guessing) => self.guessing,
            None => self.not_given,
        }
    }

    fn level_mut(&mut self, confidence: Option<Confidence>) -> &mut Count {
        match confidence {
            Some(Confidence::Sure) => &mut self.sure,
            Some(Confidence::FairlySure) => &mut self.fairly_sure,
            Some(Confidence::Guessing) => &mut self.guessing,
            None => &mut self.not_given,
        }
    }

    /// Whether any answer said how sure it was.
    pub fn given(&self) -> bool {
        Confidence::ALL
            .into_iter()
            .any(|confidence| self.level(Some(confidence)).answered > 0)
    }

    /// "When you were sure, you were right 9 times out of 10; when you were fairly sure,
    /// 7 out of 10; when you guessed, 3 out of 4." Levels without answers are left out,
    /// and so are answers that did not say how sure they were.
    pub fn words(&self, subject: &Subject) -> String {
        let mut clauses = Vec::new();
        for confidence in Confidence::ALL {
            let count = self.level(Some(confidence));
            if count.answered == 0 {
                continue;
            }
            if clauses.is_empty() {
                let were = if subject.pronoun_is_plural() {
                    "were"
                } else {
                    "was"
                };
                clauses.push(format!(
                    "When {}, {} {were} right {}",
                    when(subject.within(), subject.name_is_plural(), confidence),
                    subject.pronoun(),
                    count.words(true)
                ));
            } else {
                clauses.push(format!(
                    "when {}, {}",
                    when(subject.pronoun(), subject.pronoun_is_plural(), confidence),
                    count.words(false)
                ));
            }
        }
        if clauses.is_empty() {
            return match subject {
                Subject::You => "You have not said how sure you were yet.".to_string(),
                Subject::Class | Subject::Room => format!(
                    "No one in {} has said how sure they were yet.",
                    subject.within()
                ),
                Subject::Named(name) => format!("{name} has not said how sure they were yet."),
            };
        }
        format!("{}.", clauses.join("; "))
    }

    /// Whether answers given as sure were right more often than guesses, once each has
    /// [`MIN_ANSWERS_TO_COMPARE`] answers; `None` before.
    pub fn verdict(&self, subject: &Subject) -> Option<String> {
        let (sure, guessing) = (self.sure, self.guessing);
        if sure.answered < MIN_ANSWERS_TO_COMPARE || guessing.answered < MIN_ANSWERS_TO_COMPARE {
            return None;
        }
        // Compare correct/answered as fractions without rounding.
        let sure_is_better = sure.correct * guessing.answered > guessing.correct * sure.answered;
        Some(if sure_is_better {
            format!(
                "{} sure answers were right more often than {} guesses.",
                subject.name_possessive(),
                subject.possessive()
            )
        } else {
            format!(
                "Being sure did not make {} more often right yet: a sure answer still needs checking against the sources.",
                subject.within()
            )
        })
    }
}

/// Every level of [`Calibration`], the answers without one last.
const LEVELS: [Option<Confidence>; 4] = [
    Some(Confidence::Sure),
    Some(Confidence::FairlySure),
    Some(Confidence::Guessing),
    None,
];

/// "you were sure", "the class was fairly sure", "it guessed".
fn when(who: &str, plural: bool, confidence: Confidence) -> String {
    let were = if plural { "were" } else { "was" };
    match confidence {
        Confidence::Sure => format!("{who} {were} sure"),
        Confidence::FairlySure => format!("{who} {were} fairly sure"),
        Confidence::Guessing => format!("{who} guessed"),
    }
}

/// Hake's normalised gain g = (post − pre) / (100 − pre): the share of what was left to
/// gain that was gained, from scores in percent. Negative for a loss; `None` when `pre`
/// is 100 (or more), with nothing left to gain.
pub fn hake_gain(pre_percent: f64, post_percent: f64) -> Option<f64> {
    if pre_percent.is_nan() || pre_percent >= 100.0 {
        return None;
    }
    Some((post_percent - pre_percent) / (100.0 - pre_percent))
}

/// "The class gained 40% of what it could (Hake's g = 0.40)." from scores in percent
/// before and after.
pub fn hake_words(subject: &Subject, pre_percent: f64, post_percent: f64) -> String {
    let Some(gain) = hake_gain(pre_percent, post_percent) else {
        return format!(
            "{} already scored 100% before, so there was nothing left to gain.",
            subject.name()
        );
    };
    let figure = format!("(Hake's g = {})", two_decimals(gain));
    let name = subject.name();
    if gain > 0.0 {
        let percent = (gain * 100.0).round() as i64;
        let share = if percent < 1 {
            "less than 1%".to_string()
        } else {
            format!("{percent}%")
        };
        format!(
            "{name} gained {share} of what {} could {figure}.",
            subject.pronoun()
        )
    } else if gain == 0.0 {
        format!("{name} scored the same after as before {figure}.")
    } else {
        format!("{name} scored lower after than before {figure}.")
    }
}

/// `x` to two decimals, with a true minus sign (read out as "minus") and no "−0.00".
pub fn two_decimals(x: f64) -> String {
    let text = format!("{:.2}", x.abs());
    if x < 0.0 && text != "0.00" {
        format!("\u{2212}{text}")
    } else {
        text
    }
}

/// What [`Measures`] reads of an answer: a practice [`Answer`] or a [`LiveAnswer`].
pub trait Answered {
    /// The slug of the option chosen.
    fn choice(&self) -> &str;
    fn confidence(&self) -> Option<Confidence>;
    /// Whether the answer was scored right when it was given.
    fn correct(&self) -> bool;
}

impl Answered for Answer {
    fn choice(&self) -> &str {
        &self.choice
    }
    fn confidence(&self) -> Option<Confidence> {
        self.confidence
    }
    fn correct(&self) -> bool {
        self.correct
    }
}

impl Answered for LiveAnswer {
    fn choice(&self) -> &str {
        &self.choice
    }
    fn confidence(&self) -> Option<Confidence> {
        self.confidence
    }
    fn correct(&self) -> bool {
        self.correct
    }
}

/// Every measure over a set of answers: discernment for the contested and quote skills,
/// and calibration over all four.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Measures {
    contested: Discernment,
    quote: Discernment,
    calibration: Calibration,
}

impl Default for Measures {
    fn default() -> Measures {
        Measures {
            contested: Discernment::new(Signal::CONTESTED),
            quote: Discernment::new(Signal::QUOTE),
            calibration: Calibration::default(),
        }
    }
}

impl Measures {
    /// The measures of answers, each with the exercise it answers (the caller looks
    /// the exercise up: a live answer knows only its position in the session).
    pub fn of<'a, A: Answered + 'a>(
        answers: impl IntoIterator<Item = (&'a A, &'a Exercise)>,
    ) -> Measures {
        let mut measures = Measures::default();
        for (answer, exercise) in answers {
            measures.add(answer, exercise);
        }
        measures
    }

    /// Counts one answer to `exercise`. Discernment compares its choice with the
    /// exercise's key; calibration takes whether it was scored right.
    pub fn add(&mut self, answer: &impl Answered, exercise: &Exercise) {
        let key = exercise.correct_choice().answer();
        match exercise.skill() {
            Skill::Contested => self.contested.add(answer.choice(), key),
            Skill::Quote => self.quote.add(answer.choice(), key),
            Skill::Source | Skill::Perspective => {}
        }
        self.calibration.add(answer.confidence(), answer.correct());
    }

    pub fn merge(&mut self, other: &Measures) {
        self.contested.merge(&other.contested);
        self.quote.merge(&other.quote);
        self.calibration.merge(&other.calibration);
    }

    pub fn contested(&self) -> &Discernment {
        &self.contested
    }

    pub fn quote(&self) -> &Discernment {
        &self.quote
    }

    /// The discernment of a skill that has one.
    pub fn discernment(&self, skill: Skill) -> Option<&Discernment> {
        match skill {
            Skill::Contested => Some(&self.contested),
            Skill::Quote => Some(&self.quote),
            Skill::Source | Skill::Perspective => None,
        }
    }

    pub fn calibration(&self) -> &Calibration {
        &self.calibration
    }

    /// Every measure in words about `subject`.
    pub fn words(&self, subject: &Subject) -> Words {
        let discernment = |discernment: &Discernment| {
            (discernment.answered() > 0).then(|| discernment.words(subject))
        };
        Words {
            contested: discernment(&self.contested),
            quote: discernment(&self.quote),
            calibration: self.calibration.words(subject),
            calibration_verdict: self.calibration.verdict(subject),
        }
    }
}

/// The measures in words, each sentence ready to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Words {
    /// How well agreed and contested claims are told apart; `None` before any answer.
    pub contested: Option<String>,
    /// How well faithful and changed quotes are told apart; `None` before any answer.
    pub quote: Option<String>,
    pub calibration: String,
    /// Whether sure answers were right more often than guesses, once there are enough.
    pub calibration_verdict: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A discernment of `signal` with `count` answers of each (key, given) pair.
    fn discernment(signal: Signal, answers: &[(&str, &str, usize)]) -> Discernment {
        let mut discernment = Discernment::new(signal);
        for &(key, given, count) in answers {
            for _ in 0..count {
                discernment.add(given, key);
            }
        }
        discernment
    }

    fn assert_close(actual: f64, expected: f64, tolerance: f64) {
        assert!(
            (actual - expected).abs() <= tolerance,
            "{actual} is not within {tolerance} of {expected}"
        );
    }

    #[test]
    fn the_normal_quantile_gives_the_known_values() {
        // Reference values to 16 digits, in each of AS241's three regions.
        let cases = [
            (0.5, 0.0),
            (0.975, 1.959963984540054),
            (0.025, -1.959963984540054),
            (0.841344746068543, 1.0),
            (0.9, 1.2815515655446004),
            (0.1, -1.2815515655446004),
            (0.7, 0.5244005127080407),
            (11.0 / 12.0, 1.382994127100638),
            (0.999, 3.090232306167814),
            (1e-10, -6.361340902404056),
            (1e-300, -37.0470962993612),
        ];
        for (p, z) in cases {
            assert_close(normal_quantile(p), z, 1e-12 * z.abs().max(1.0));
        }
        // To the six decimals usually printed in tables.
        assert_close(normal_quantile(0.9167), 1.383212, 5e-7);
        assert_eq!(normal_quantile(0.0), f64::NEG_INFINITY);
        assert_eq!(normal_quantile(1.0), f64::INFINITY);
        assert!(normal_quantile(1.5).is_nan());
        assert!(normal_quantile(f64::NAN).is_nan());
        // The quantile is odd about 0.5.
        for p in [0.01, 0.2, 0.3, 0.4, 0.45] {
            assert_close(normal_quantile(p), -normal_quantile(1.0 - p), 1e-12);
        }
    }

    #[test]
    fn a_learner_who_always_says_contested_does_not_tell_claims_apart_however_many_are_right() {
        // 5 agreed, 5 contested and 5 single-source claims, all called contested:
        // hits 5, misses 0, false alarms 5, correct rejections 0.
        // H = F = (5 + 0.5) / (5 + 0 + 1) = 5.5 / 6 = 0.9167, z(0.9167) = 1.382994,
        // so d′ = 1.383 − 1.383 = 0.00 and c = −(1.383 + 1.383) / 2 = −1.38.
        let discernment = discernment(
            Signal::CONTESTED,
            &[
                ("agreed", "contested", 5),
                ("contested", "contested", 5),
                ("single-source", "contested", 5),
            ],
        );
        assert_eq!(
            (
                discernment.hits(),
                discernment.misses(),
                discernment.false_alarms(),
                discernment.correct_rejections()
            ),
            (5, 0, 5, 0)
        );
        assert_close(discernment.hit_rate(), 0.9167, 5e-5);
        assert_close(discernment.false_alarm_rate(), 0.9167, 5e-5);
        assert_close(discernment.d_prime(), 0.0, 1e-12);
        assert_close(discernment.criterion(), -1.382994, 5e-7);
        // Rows: the verdict the sources support; columns: the verdict given; both
        // agreed, contested, single-source.
        assert_eq!(discernment.table(), [[0, 5, 0], [0, 5, 0], [0, 5, 0]]);
        assert_eq!(discernment.count("contested", "single-source"), 5);
        assert_eq!(discernment.answered(), 15);
        assert!(discernment.enough());
        assert_eq!(discernment.sensitivity(), Sensitivity::NotYet);
        assert_eq!(discernment.lean(), Lean::TowardSignal);
        assert_eq!(
            discernment.words(&Subject::You),
            "You do not yet tell agreed from contested claims apart. \
             You call claims contested more often than the sources do."
        );
        assert_eq!(
            discernment.words(&Subject::Class),
            "The class does not yet tell agreed from contested claims apart. \
             The class calls claims contested more often than the sources do."
        );
    }

    #[test]
    fn a_learner_who_is_always_right_tells_claims_apart_well_and_leans_neither_way() {
        // Hits 5, misses 0, false alarms 0, correct rejections 5:
        // H = 5.5 / 6 = 0.9167, F = 0.5 / 6 = 0.0833, z(H) = 1.383, z(F) = −1.383,
        // so d′ = 2.77 and c = 0.00.
        let discernment = discernment(
            Signal::CONTESTED,
            &[
                ("agreed", "agreed", 5),
                ("contested", "contested", 5),
                ("single-source", "single-source", 5),
            ],
        );
        assert_eq!(discernment.table(), [[5, 0, 0], [0, 5, 0], [0, 0, 5]]);
        assert_close(discernment.hit_rate(), 0.9167, 5e-5);
        assert_close(discernment.false_alarm_rate(), 0.0833, 5e-5);
        assert_close(discernment.d_prime(), 2.765988, 5e-7);
        assert_close(discernment.criterion(), 0.0, 1e-12);
        assert_eq!(
            discernment.words(&Subject::Room),
            "The room tells agreed from contested claims well. \
             The room calls claims contested about as often as the sources do."
        );
    }

    #[test]
    fn middling_learners_tell_claims_apart_partly_or_not_yet() {
        // Hits 3, misses 2, false alarms 2, correct rejections 3:
        // H = 3.5 / 6 = 0.5833, F = 2.5 / 6 = 0.4167, z(H) = 0.2104, z(F) = −0.2104,
        // so d′ = 0.42 (below 0.5: not yet) and c = 0.00.
        let middling = discernment(
            Signal::CONTESTED,
            &[
                ("contested", "contested", 3),
                ("contested", "agreed", 1),
                ("contested", "single-source", 1),
                ("agreed", "contested", 2),
                ("agreed", "agreed", 3),
            ],
        );
        assert_eq!(middling.misses(), 2);
        assert_close(middling.d_prime(), 0.420857, 5e-7);
        assert_close(middling.criterion(), 0.0, 1e-12);
        assert_eq!(
            middling.words(&Subject::Named("Sam".to_string())),
            "Sam does not yet tell agreed from contested claims apart. \
             Sam calls claims contested about as often as the sources do."
        );

        // Hits 4, misses 1, false alarms 2, correct rejections 3:
        // H = 4.5 / 6 = 0.75, z(H) = 0.6745; F = 0.4167, z(F) = −0.2104,
        // so d′ = 0.88 (only partly) and c = −(0.6745 − 0.2104) / 2 = −0.23 (no lean).
        let partly = discernment(
            Signal::CONTESTED,
            &[
                ("contested", "contested", 4),
                ("contested", "agreed", 1),
                ("agreed", "contested", 2),
                ("agreed", "agreed", 3),
            ],
        );
        assert_close(partly.d_prime(), 0.884918, 5e-7);
        assert_close(partly.criterion(), -0.232031, 5e-7);
        assert_eq!(partly.sensitivity(), Sensitivity::Partly);
        assert_eq!(
            partly.words(&Subject::You),
            "You tell agreed from contested claims apart only partly. \
             You call claims contested about as often as the sources do."
        );
    }

    #[test]
    fn quotes_are_told_apart_by_changed_against_faithful() {
        // 4 changed quotes: 3 called changed, 1 faithful; 4 faithful quotes, all called
        // faithful; 2 unverifiable ones only in the table.
        // Hits 3, misses 1, false alarms 0, correct rejections 4:
        // H = 3.5 / 5 = 0.7, F = 0.5 / 5 = 0.1, z(H) = 0.5244, z(F) = −1.2816,
        // so d′ = 1.81 (well) and c = −(0.5244 − 1.2816) / 2 = 0.38 (leans faithful).
        let discernment = discernment(
            Signal::QUOTE,
            &[
                ("changed", "changed", 3),
                ("changed", "faithful", 1),
                ("faithful", "faithful", 4),
                ("unverifiable", "changed", 1),
                ("unverifiable", "unverifiable", 1),
                // Not a verdict of this skill: left out.
                ("contested", "changed", 1),
            ],
        );
        // Rows and columns: faithful, changed, unverifiable.
        assert_eq!(discernment.table(), [[4, 0, 0], [1, 3, 0], [0, 1, 1]]);
        assert_close(discernment.d_prime(), 1.805952, 5e-7);
        assert_close(discernment.criterion(), 0.378576, 5e-7);
        assert_eq!(
            discernment.words(&Subject::You),
            "You tell faithful from changed quotes well. \
             You call quotes faithful more often than the sources show."
        );
        let json = serde_json::to_value(discernment).unwrap();
        assert_eq!(json["skill"], "quote");
        assert_eq!(json["verdicts"][1], "changed");
        assert_eq!(json["hits"], 3);
        assert_eq!(json["sensitivity"], "well");
        assert_eq!(json["leans_toward"], "faithful");
        assert_eq!(json["enough"], true);
    }

    #[test]
    fn too_few_answers_say_how_many_more_are_needed() {
        // Hits 2, false alarms 0, correct rejections 1: d′ and c are still given.
        let few = discernment(
            Signal::CONTESTED,
            &[("contested", "contested", 2), ("agreed", "agreed", 1)],
        );
        assert!(!few.enough());
        assert!(few.d_prime() > 0.0);
        let cases = [
            (
                Subject::You,
                few,
                "Not enough answers yet to say how well you tell agreed from contested claims apart: \
                 this needs at least 1 more answer on a contested claim and 2 more on agreed claims.",
            ),
            (
                Subject::Class,
                Discernment::new(Signal::CONTESTED),
                "Not enough answers yet to say how well the class tells agreed from contested claims apart: \
                 this needs at least 3 more answers on contested claims and 3 more on agreed claims.",
            ),
            (
                Subject::You,
                discernment(
                    Signal::QUOTE,
                    &[("changed", "changed", 3), ("faithful", "changed", 2)],
                ),
                "Not enough answers yet to say how well you tell faithful from changed quotes apart: \
                 this needs at least 1 more answer on a faithful quote.",
            ),
        ];
        for (subject, discernment, words) in cases {
            assert_eq!(discernment.words(&subject), words);
        }
    }

    #[test]
    fn discernments_merge_by_adding_their_tables() {
        let mut class = discernment(Signal::CONTESTED, &[("agreed", "contested", 2)]);
        class.merge(&discernment(
            Signal::CONTESTED,
            &[("agreed", "contested", 1), ("contested", "agreed", 1)],
        ));
        assert_eq!(class.table(), [[0, 3, 0], [1, 0, 0], [0, 0, 0]]);
    }

    /// Levels of confidence, each with how many answered and how many were right.
    type Levels<'a> = &'a [(Option<Confidence>, usize, usize)];

    fn calibration(levels: Levels) -> Calibration {
        let mut calibration = Calibration::default();
        for &(confidence, answered, correct) in levels {
            for index in 0..answered {
                calibration.add(confidence, index < correct);
            }
        }
        calibration
    }

    #[test]
    fn calibration_says_how_often_each_level_was_right() {
        let sure = Some(Confidence::Sure);
        let fairly_sure = Some(Confidence::FairlySure);
        let guessing = Some(Confidence::Guessing);
        let cases: [(Levels, Subject, &str); 6] = [
            // 18 of 20 is exactly 9 out of 10; 7 of 10 is said exactly; 3 of 4 as it is.
            (
                &[(sure, 20, 18), (fairly_sure, 10, 7), (guessing, 4, 3)],
                Subject::You,
                "When you were sure, you were right 9 times out of 10; \
                 when you were fairly sure, 7 out of 10; when you guessed, 3 out of 4.",
            ),
            // 17 of 24 is 7.08 tenths: about 7; answers without a level are left out.
            (
                &[(fairly_sure, 24, 17), (guessing, 1, 1), (None, 5, 1)],
                Subject::Class,
                "When the class was fairly sure, it was right about 7 times out of 10; \
                 when it guessed, 1 out of 1.",
            ),
            // 19 of 20 rounds to 10, but not all were right: about 9.
            (
                &[(sure, 20, 19)],
                Subject::Named("Sam".to_string()),
                "When Sam was sure, they were right about 9 times out of 10.",
            ),
            (
                &[(guessing, 2, 1)],
                Subject::Room,
                "When the room guessed, it was right 1 time out of 2.",
            ),
            (
                &[(None, 5, 4)],
                Subject::You,
                "You have not said how sure you were yet.",
            ),
            (
                &[],
                Subject::Class,
                "No one in the class has said how sure they were yet.",
            ),
        ];
        for (levels, subject, words) in cases {
            assert_eq!(calibration(levels).words(&subject), words);
        }
    }

    #[test]
    fn being_sure_is_compared_with_guessing_once_each_has_five_answers() {
        let sure = Some(Confidence::Sure);
        let guessing = Some(Confidence::Guessing);
        // Sure 3 of 5 (60%) against guessing 4 of 6 (67%): not more often right.
        let overconfident = calibration(&[(sure, 5, 3), (guessing, 6, 4)]);
        assert_eq!(
            overconfident.verdict(&Subject::You).as_deref(),
            Some(
                "Being sure did not make you more often right yet: \
                 a sure answer still needs checking against the sources."
            )
        );
        // Sure 5 of 6 against guessing 2 of 5.
        let calibrated = calibration(&[(sure, 6, 5), (guessing, 5, 2)]);
        assert_eq!(
            calibrated.verdict(&Subject::Class).as_deref(),
            Some("The class's sure answers were right more often than its guesses.")
        );
        // Only 4 guesses: too few to compare.
        assert_eq!(
            calibration(&[(sure, 9, 2), (guessing, 4, 4)]).verdict(&Subject::You),
            None
        );

        let mut merged = overconfident;
        merged.merge(&calibrated);
        assert_eq!(
            merged.level(sure),
            Count {
                answered: 11,
                correct: 8
            }
        );
        assert_eq!(merged.level(None), Count::default());
        assert!(merged.given());
        assert!(!Calibration::default().given());
    }

    #[test]
    fn hakes_gain_is_the_share_of_what_was_left_to_gain() {
        // (70 − 40) / (100 − 40) = 30 / 60 = 0.5.
        assert_eq!(hake_gain(40.0, 70.0), Some(0.5));
        // (100 − 60) / (100 − 60) = 1.
        assert_eq!(hake_gain(60.0, 100.0), Some(1.0));
        // (30 − 40) / 60 = −0.1667: a loss.
        assert_close(hake_gain(40.0, 30.0).unwrap(), -1.0 / 6.0, 1e-12);
        assert_eq!(hake_gain(100.0, 100.0), None);
        assert_eq!(hake_gain(f64::NAN, 50.0), None);

        // (64 − 40) / 60 = 0.40.
        assert_eq!(
            hake_words(&Subject::Class, 40.0, 64.0),
            "The class gained 40% of what it could (Hake's g = 0.40)."
        );
        assert_eq!(
            hake_words(&Subject::You, 40.0, 70.0),
            "You gained 50% of what you could (Hake's g = 0.50)."
        );
        assert_eq!(
            hake_words(&Subject::Room, 40.0, 30.0),
            "The room scored lower after than before (Hake's g = \u{2212}0.17)."
        );
        assert_eq!(
            hake_words(&Subject::You, 55.0, 55.0),
            "You scored the same after as before (Hake's g = 0.00)."
        );
        assert_eq!(
            hake_words(&Subject::Class, 100.0, 90.0),
            "The class already scored 100% before, so there was nothing left to gain."
        );
    }

    #[test]
    fn the_signals_name_the_verdicts_of_the_bundled_pack() {
        // The contested scale's order is the content's.
        for (rank, verdict) in Signal::CONTESTED.verdicts().into_iter().enumerate() {
            assert_eq!(crate::content::scale_rank(verdict), Some(rank));
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let library = crate::content::load::load_library(&root.join("questions")).unwrap();
        for exercise in library.packs().flat_map(|pack| pack.exercises()) {
            if let Some(signal) = Signal::of(exercise.skill()) {
                for choice in exercise.choices() {
                    assert!(
                        signal.verdicts().contains(&choice.answer()),
                        "{}: {}",
                        exercise.id(),
                        choice.answer()
                    );
                }
            }
        }
    }

    #[test]
    fn measures_of_practice_and_live_answers_agree() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let library = crate::content::load::load_library(&root.join("questions")).unwrap();
        let exercises: Vec<&Exercise> = library.packs().flat_map(|pack| pack.exercises()).collect();
        // Say the signal to every exercise that has one, the key to the others, sure of
        // each.
        let answers: Vec<Answer> = exercises
            .iter()
            .map(|exercise| {
                let choice = Signal::of(exercise.skill()).map_or_else(
                    || exercise.correct_choice().answer(),
                    |signal| signal.signal_verdict(),
                );
                Answer::grade(exercise, choice, Some(Confidence::Sure), 0).unwrap()
            })
            .collect();
        let practice = Measures::of(answers.iter().zip(exercises.iter().copied()));
        let live_answers: Vec<LiveAnswer> = answers
            .iter()
            .enumerate()
            .map(|(position, answer)| LiveAnswer {
                participant: crate::ids::Token::from_bytes([0; 16]),
                position,
                choice: answer.choice.clone(),
                correct: answer.correct,
                answered_at: 0,
                confidence: answer.confidence,
            })
            .collect();
        let live = Measures::of(live_answers.iter().zip(exercises.iter().copied()));
        assert_eq!(practice, live);

        let contested = practice.contested();
        assert!(contested.enough(), "the bundled pack has enough of each");
        assert_eq!((contested.misses(), contested.correct_rejections()), (0, 0));
        assert_close(contested.d_prime(), 0.0, 1e-12);
        assert!(contested.criterion() < -1.0);
        let skill_count = |skill| {
            exercises
                .iter()
                .filter(|exercise| exercise.skill() == skill)
                .count()
        };
        assert_eq!(
            contested.answered(),
            skill_count(Skill::Contested),
            "every contested exercise counts in the table"
        );
        assert_eq!(practice.quote().answered(), skill_count(Skill::Quote));
        assert_eq!(
            practice
                .calibration()
                .level(Some(Confidence::Sure))
                .answered,
            exercises.len()
        );

        let mut twice = practice;
        twice.merge(&live);
        assert_eq!(twice.contested().hits(), 2 * contested.hits());

        let words = practice.words(&Subject::You);
        assert_eq!(
            words.contested.as_deref(),
            Some(
                "You do not yet tell agreed from contested claims apart. \
                 You call claims contested more often than the sources do."
            )
        );
        assert_eq!(Measures::default().words(&Subject::You).quote, None);
        let json = serde_json::to_value(practice).unwrap();
        assert_eq!(json["contested"]["leans_toward"], "contested");
        assert_eq!(json["calibration"]["sure"]["answered"], exercises.len());
    }
}
