//! A pre-test and a post-test as a pair of parallel forms: two forms of the same length
//! that share no question, with the same skills, the same mix of answers and, once the
//! class's answers tell how hard each question is, the same difficulty on average.
//!
//! The rules:
//!
//! - **Skills.** Every skill of the focus has as many questions in one form as in the
//!   other, and the skills share the length as evenly as the pack allows: a skill with
//!   too few questions gives all it can and the others make up the rest.
//! - **Answer keys.** The skills whose key is a verdict ("Agreed or contested?", "Is the
//!   quote faithful?") have exactly as many questions of each verdict in one form as in
//!   the other: a verdict with an odd number of questions leaves one unused. For the
//!   skills whose key is a document or a perspective ("Which source?", "Whose
//!   perspective?") the key is kept as far as possible: questions of the same key are
//!   paired first, and the ones left over (one per key at most) are then paired with
//!   each other, so that no question of the skill goes unused and each key's count
//!   differs by at most one between the forms. A pack has many documents and
//!   perspectives and few questions of each, so an exact rule would leave most unused.
//! - **Facility** (the share of answers that were right, from [`crate::results`]).
//!   Questions of one skill and key are sorted by facility and paired with their
//!   neighbour; each pair is split between the forms. A question without a facility
//!   counts as its group's mean (or its skill's). The pairs are dealt largest
//!   difference first, the easier question of each going to the form that is harder so
//!   far, so the forms' mean facilities end up close. Without any facility this is a
//!   toss of a coin.
//! - **Which pairs.** A form shorter than the most takes a pair of each key in turn (so
//!   that a short form still has every verdict it can), and within a turn and a key the
//!   pairs whose two questions are most alike first. Pairs across keys come last.
//!
//! Ties (everything, when no facility is known), which form gets which question and the
//! order within each form come from the seed: the same seed gives the same forms.
//!
//! No I/O.

use std::collections::{BTreeMap, HashMap};

use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::content::{Exercise, Pack, Skill};
use crate::practice::Focus;

/// A pre-test and a post-test built together: the same length, no question in both.
#[derive(Debug, Clone, PartialEq)]
pub struct ParallelForms {
    pre_test: Form,
    post_test: Form,
}

impl ParallelForms {
    pub fn pre_test(&self) -> &Form {
        &self.pre_test
    }

    pub fn post_test(&self) -> &Form {
        &self.post_test
    }
}

/// One of the two forms: its questions in the order students get them.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    exercise_ids: Vec<String>,
    mean_facility: Option<f64>,
    facilities_known: usize,
}

impl Form {
    pub fn exercise_ids(&self) -> &[String] {
        &self.exercise_ids
    }

    /// The mean facility of the form's questions whose facility is known; `None` when
    /// none is.
    pub fn mean_facility(&self) -> Option<f64> {
        self.mean_facility
    }

    /// How many of the form's questions have a known facility.
    pub fn facilities_known(&self) -> usize {
        self.facilities_known
    }
}

/// Why a pack cannot give the forms asked for; the messages are shown to the teacher as
/// they are.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormsError {
    #[error(
        "Each form needs at least one question: choose how many questions the pre-test and the post-test each have."
    )]
    NoLength,
    #[error(
        "With these skills, this lesson does not have enough questions for a pre-test and a post-test that share no question and have the same mix of answers: choose more skills, or another lesson."
    )]
    NotEnough,
    #[error(
        "Forms of {asked} questions are too long: with these skills, this lesson can give a pre-test and a post-test of at most {} each that share no question and have the same mix of answers. Choose {most} or fewer.",
        questions(*.most)
    )]
    TooLong { asked: usize, most: usize },
}

/// "1 question", "5 questions".
fn questions(count: usize) -> String {
    if count == 1 {
        "1 question".to_string()
    } else {
        format!("{count} questions")
    }
}

/// How a skill's answer key is kept the same in both forms (see the module's doc).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyBalance {
    /// The same count of each key in both forms.
    Exact,
    /// Pairs of the same key first, then the ones left over paired across keys.
    AsFarAsPossible,
}

fn key_balance(skill: Skill) -> KeyBalance {
    match skill {
        Skill::Contested | Skill::Quote => KeyBalance::Exact,
        Skill::Source | Skill::Perspective => KeyBalance::AsFarAsPossible,
    }
}

/// The exercises of `skill`, grouped by their answer key, in the pack's order.
fn by_key(pack: &Pack, skill: Skill) -> BTreeMap<&str, Vec<&Exercise>> {
    let mut groups: BTreeMap<&str, Vec<&Exercise>> = BTreeMap::new();
    for exercise in pack.exercises_of(skill) {
        groups
            .entry(exercise.correct_choice().answer())
            .or_default()
            .push(exercise);
    }
    groups
}

/// How many pairs of questions `skill` can give, one question of each pair per form.
fn pairs_available(pack: &Pack, skill: Skill) -> usize {
    let groups = by_key(pack, skill);
    match key_balance(skill) {
        KeyBalance::Exact => groups.values().map(|group| group.len() / 2).sum(),
        KeyBalance::AsFarAsPossible => groups.values().map(Vec::len).sum::<usize>() / 2,
    }
}

/// The most questions each form can have for the skills of `focus` with the balance
/// kept (see the module's doc): the hint beside the length on the form.
pub fn max_form_length(pack: &Pack, focus: Focus) -> usize {
    focus
        .skills()
        .map(|skill| pairs_available(pack, skill))
        .sum()
}

/// Builds a pre-test and a post-test of `length` questions each from the exercises of
/// `focus` (see the module's doc for how they are balanced). `facility` gives the share
/// of answers that were right by exercise id, for some, all or none of them; a value
/// that is not between 0 and 1 counts as unknown. The same seed gives the same forms.
pub fn parallel_forms(
    pack: &Pack,
    focus: Focus,
    length: usize,
    facility: &HashMap<String, f64>,
    seed: u64,
) -> Result<ParallelForms, FormsError> {
    if length == 0 {
        return Err(FormsError::NoLength);
    }
    let most = max_form_length(pack, focus);
    if most == 0 {
        return Err(FormsError::NotEnough);
    }
    if length > most {
        return Err(FormsError::TooLong {
            asked: length,
            most,
        });
    }

    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let known = |exercise: &Exercise| {
        facility
            .get(exercise.id())
            .copied()
            .filter(|value| (0.0..=1.0).contains(value))
    };
    let mut piles: Vec<Vec<Pair>> = focus
        .skills()
        .map(|skill| skill_pairs(pack, skill, &known, &mut rng))
        .collect();
    let capacities: Vec<usize> = piles.iter().map(Vec::len).collect();
    let mut chosen: Vec<Pair> = Vec::with_capacity(length);
    for (pile, quota) in piles
        .iter_mut()
        .zip(share_out(&capacities, length, &mut rng))
    {
        chosen.extend(pile.drain(..quota));
    }

    // The largest differences first, so that the small ones at the end even out what
    // is left; `sort_by` is stable, so equal differences keep the seed's order.
    chosen.sort_by(|left, right| right.gap().total_cmp(&left.gap()));
    let mut pre_test = Vec::with_capacity(length);
    let mut post_test = Vec::with_capacity(length);
    // The pre-test's estimated facilities summed, minus the post-test's.
    let mut difference = 0.0;
    for pair in chosen {
        let gap = pair.gap();
        let easier_to_pre_test = if gap > 0.0 && difference != 0.0 {
            difference < 0.0
        } else {
            rng.random_bool(0.5)
        };
        if easier_to_pre_test {
            pre_test.push(pair.easier);
            post_test.push(pair.harder);
            difference += gap;
        } else {
            pre_test.push(pair.harder);
            post_test.push(pair.easier);
            difference -= gap;
        }
    }
    Ok(ParallelForms {
        pre_test: form(pre_test, &known, &mut rng),
        post_test: form(post_test, &known, &mut rng),
    })
}

/// A form of `exercises`, shuffled, with the mean of the facilities known.
fn form(
    mut exercises: Vec<Estimated>,
    known: &impl Fn(&Exercise) -> Option<f64>,
    rng: &mut ChaCha8Rng,
) -> Form {
    exercises.shuffle(rng);
    let facilities: Vec<f64> = exercises
        .iter()
        .filter_map(|estimated| known(estimated.exercise))
        .collect();
    Form {
        exercise_ids: exercises
            .iter()
            .map(|estimated| estimated.exercise.id().to_string())
            .collect(),
        mean_facility: (!facilities.is_empty())
            .then(|| facilities.iter().sum::<f64>() / facilities.len() as f64),
        facilities_known: facilities.len(),
    }
}

/// How many pairs each skill gives: as even a share of `length` as their `capacities`
/// allow. Which skills get one more when it does not divide evenly comes from `rng`.
fn share_out(capacities: &[usize], length: usize, rng: &mut ChaCha8Rng) -> Vec<usize> {
    let mut turns: Vec<usize> = (0..capacities.len()).collect();
    turns.shuffle(rng);
    let mut quotas = vec![0; capacities.len()];
    for _ in 0..length {
        // `min_by_key` keeps the first of equals, so ties go by the shuffled turns.
        let Some(next) = turns
            .iter()
            .copied()
            .filter(|&index| quotas[index] < capacities[index])
            .min_by_key(|&index| quotas[index])
        else {
            break;
        };
        quotas[next] += 1;
    }
    quotas
}

/// An exercise with the facility it is balanced by: its own, or an estimate.
#[derive(Debug, Clone, Copy)]
struct Estimated<'a> {
    exercise: &'a Exercise,
    facility: f64,
}

/// Two exercises of one skill (and of one key, where it can be kept), one for each form.
#[derive(Debug, Clone, Copy)]
struct Pair<'a> {
    easier: Estimated<'a>,
    harder: Estimated<'a>,
}

impl Pair<'_> {
    fn gap(&self) -> f64 {
        self.easier.facility - self.harder.facility
    }
}

/// The pairs `skill` gives, in the order a form takes them: a pair of each key in turn,
/// the closest pairs first (ties in an order from `rng`), then the pairs across keys,
/// if the skill has any.
fn skill_pairs<'a>(
    pack: &'a Pack,
    skill: Skill,
    known: &impl Fn(&Exercise) -> Option<f64>,
    rng: &mut ChaCha8Rng,
) -> Vec<Pair<'a>> {
    let groups = by_key(pack, skill);
    let skill_mean = mean(
        groups
            .values()
            .flatten()
            .filter_map(|&exercise| known(exercise)),
    );
    let mut per_key: Vec<std::vec::IntoIter<Pair>> = Vec::new();
    let mut left_over: Vec<Estimated> = Vec::new();
    for group in groups.values() {
        // A question without a facility counts as its group's mean, or its skill's, or
        // (when nothing is known) as any one value: then every pair is a tie.
        let group_mean = mean(group.iter().filter_map(|&exercise| known(exercise)))
            .or(skill_mean)
            .unwrap_or(0.5);
        let estimated = group
            .iter()
            .map(|&exercise| Estimated {
                exercise,
                facility: known(exercise).unwrap_or(group_mean),
            })
            .collect();
        let (mut pairs, odd_one) = pair_neighbours(estimated, rng);
        pairs.shuffle(rng);
        per_key.push(closest_first(pairs).into_iter());
        left_over.extend(odd_one);
    }
    per_key.shuffle(rng);
    let mut ordered = Vec::new();
    loop {
        // One pair of each key in turn, so that a short form still has every key it
        // can; within a turn, the closest pair first.
        let turn = closest_first(per_key.iter_mut().filter_map(Iterator::next).collect());
        if turn.is_empty() {
            break;
        }
        ordered.extend(turn);
    }
    if key_balance(skill) == KeyBalance::AsFarAsPossible {
        let (mut across_keys, _) = pair_neighbours(left_over, rng);
        across_keys.shuffle(rng);
        ordered.extend(closest_first(across_keys));
    }
    debug_assert_eq!(ordered.len(), pairs_available(pack, skill));
    ordered
}

/// `pairs` with the two questions most alike first, so that a short form is as easy to
/// balance as it can be. The sort is stable: equal pairs (all of them, when no facility
/// is known) keep the order they came in, which the caller shuffled.
fn closest_first(mut pairs: Vec<Pair<'_>>) -> Vec<Pair<'_>> {
    pairs.sort_by(|left, right| left.gap().total_cmp(&right.gap()));
    pairs
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (sum, count) = values.fold((0.0, 0usize), |(sum, count), value| {
        (sum + value, count + 1)
    });
    (count > 0).then(|| sum / count as f64)
}

/// Pairs `exercises` with their neighbour by facility, so that the two of a pair are
/// about as hard as each other. Of an odd number, the one left out (returned apart) is
/// the one whose absence makes the pairs closest; equal facilities are ordered by `rng`.
fn pair_neighbours<'a>(
    mut exercises: Vec<Estimated<'a>>,
    rng: &mut ChaCha8Rng,
) -> (Vec<Pair<'a>>, Option<Estimated<'a>>) {
    exercises.shuffle(rng);
    exercises.sort_by(|left, right| right.facility.total_cmp(&left.facility));
    let odd_one = (exercises.len() % 2 == 1).then(|| {
        // Only one at an even place leaves neighbours to pair on both sides of it.
        let cost = |left_out: usize| -> f64 {
            let rest: Vec<f64> = exercises
                .iter()
                .enumerate()
                .filter(|&(index, _)| index != left_out)
                .map(|(_, estimated)| estimated.facility)
                .collect();
            rest.chunks(2).map(|pair| pair[0] - pair[1]).sum()
        };
        let costs: Vec<(usize, f64)> = (0..exercises.len())
            .step_by(2)
            .map(|index| (index, cost(index)))
            .collect();
        let least = costs
            .iter()
            .map(|&(_, cost)| cost)
            .fold(f64::INFINITY, f64::min);
        let cheapest: Vec<usize> = costs
            .iter()
            .filter(|&&(_, cost)| cost - least < 1e-9)
            .map(|&(index, _)| index)
            .collect();
        let left_out = cheapest[rng.random_range(0..cheapest.len())];
        exercises.remove(left_out)
    });
    let pairs = exercises
        .chunks(2)
        .map(|pair| Pair {
            easier: pair[0],
            harder: pair[1],
        })
        .collect();
    (pairs, odd_one)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::fs;
    use std::path::Path;

    use super::*;
    use crate::content::load::load_pack;

    fn bundled() -> Pack {
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("questions/khojaly-1992");
        load_pack(&folder).expect("the bundled pack loads")
    }

    /// A pack of its own for a test: source exercises keyed `sources` (each "alpha" or
    /// "beta"), then contested exercises keyed `verdicts`, with ids `s0…` and `c0…`.
    fn tiny_pack(sources: &[&str], verdicts: &[&str]) -> Pack {
        let words = |name: &str| {
            (0..200)
                .map(|index| format!("{name}{index}"))
                .collect::<Vec<_>>()
                .join(" ")
        };
        let header = |title: &str| {
            format!(
                "+++\ntitle = \"{title}\"\nshort_title = \"{title}\"\nauthor = \"A\"\npublisher = \"P\"\nkind = \"essay\"\ndate = \"2020\"\nlicence = \"test\"\n+++\n"
            )
        };
        let mut exercises = String::new();
        for (index, source) in sources.iter().enumerate() {
            let start = index * 4;
            exercises.push_str(&format!(
                "[[exercise]]\nid = \"s{index}\"\nkind = \"source\"\nexplanation = \"Its words give it away.\"\npassage = {{ source = \"{source}\", text = \"{source}{start} {source}{} {source}{}\" }}\n\n[[exercise.option]]\nanswer = \"alpha\"\ncorrect = {}\nwhy = \"One of the two.\"\n\n[[exercise.option]]\nanswer = \"beta\"\ncorrect = {}\nwhy = \"The other one.\"\n\n",
                start + 1,
                start + 2,
                *source == "alpha",
                *source == "beta",
            ));
        }
        for (index, verdict) in verdicts.iter().enumerate() {
            exercises.push_str(&format!(
                "[[exercise]]\nid = \"c{index}\"\nkind = \"contested\"\nclaim = \"Claim number {index}.\"\nexplanation = \"Compare the two.\"\n\n[[exercise.evidence]]\nsource = \"beta\"\ntext = \"beta199\"\n\n"
            ));
            for answer in ["agreed", "contested", "single-source"] {
                exercises.push_str(&format!(
                    "[[exercise.option]]\nanswer = \"{answer}\"\ncorrect = {}\nwhy = \"A verdict.\"\n\n",
                    answer == *verdict
                ));
            }
        }
        let root = tempfile::tempdir().unwrap();
        let folder = root.path().join("tiny");
        fs::create_dir_all(folder.join("sources")).unwrap();
        fs::create_dir_all(folder.join("exercises")).unwrap();
        fs::write(
            folder.join("pack.toml"),
            "id = \"tiny\"\ntitle = \"A tiny pack\"\ndescription = \"For tests.\"\ncontent_note = \"Nothing upsetting.\"\n",
        )
        .unwrap();
        for source in ["alpha", "beta"] {
            fs::write(
                folder.join(format!("sources/{source}.txt")),
                format!("{}{}.\n", header(source), words(source)),
            )
            .unwrap();
        }
        fs::write(folder.join("exercises/set.toml"), exercises).unwrap();
        load_pack(&folder).unwrap_or_else(|errors| panic!("the tiny pack loads: {errors:?}"))
    }

    fn build(pack: &Pack, focus: Focus, length: usize, seed: u64) -> ParallelForms {
        parallel_forms(pack, focus, length, &HashMap::new(), seed)
            .unwrap_or_else(|error| panic!("{focus:?}, {length}: {error}"))
    }

    /// How many questions of each (skill, key) `form` has.
    fn keys(pack: &Pack, form: &Form) -> BTreeMap<(Skill, String), usize> {
        let mut counts = BTreeMap::new();
        for id in form.exercise_ids() {
            let exercise = pack.exercise(id).expect("an exercise of the pack");
            let key = (
                exercise.skill(),
                exercise.correct_choice().answer().to_string(),
            );
            *counts.entry(key).or_insert(0) += 1;
        }
        counts
    }

    fn skill_counts(pack: &Pack, form: &Form) -> BTreeMap<Skill, usize> {
        let mut counts = BTreeMap::new();
        for ((skill, _), count) in keys(pack, form) {
            *counts.entry(skill).or_insert(0) += count;
        }
        counts
    }

    fn every_focus() -> Vec<Focus> {
        (1u8..16)
            .filter_map(|bits| {
                Focus::of(
                    Skill::ALL
                        .into_iter()
                        .filter(|&skill| bits & (1 << skill as u8) != 0),
                )
            })
            .collect()
    }

    #[test]
    fn a_form_holds_a_pair_of_each_verdict_and_half_of_each_other_skill() {
        let pack = bundled();
        for skill in Skill::ALL {
            let mut verdicts: BTreeMap<&str, usize> = BTreeMap::new();
            for exercise in pack.exercises_of(skill) {
                *verdicts
                    .entry(exercise.correct_choice().answer())
                    .or_default() += 1;
            }
            let expected = match skill {
                // An odd verdict's last question has no partner of its verdict.
                Skill::Contested | Skill::Quote => verdicts.values().map(|n| n / 2).sum(),
                // Every question of the skill has a partner, but for an odd one out.
                Skill::Source | Skill::Perspective => pack.exercises_of(skill).count() / 2,
            };
            assert_eq!(
                max_form_length(&pack, Focus::only(skill)),
                expected,
                "{skill}: {verdicts:?}"
            );
        }
        let all: usize = Skill::ALL
            .into_iter()
            .map(|skill| max_form_length(&pack, Focus::only(skill)))
            .sum();
        assert_eq!(max_form_length(&pack, Focus::all()), all);

        // Three agreed, two contested, one single-source: a pair of agreed (the third
        // left out), a pair of contested, and no single-source.
        let tiny = tiny_pack(
            &[],
            &[
                "agreed",
                "agreed",
                "agreed",
                "contested",
                "contested",
                "single-source",
            ],
        );
        assert_eq!(max_form_length(&tiny, Focus::only(Skill::Contested)), 2);
        // Three from alpha, one from beta: a pair of alpha, then alpha with beta.
        let tiny = tiny_pack(&["alpha", "alpha", "alpha", "beta"], &[]);
        assert_eq!(max_form_length(&tiny, Focus::only(Skill::Source)), 2);
        assert_eq!(max_form_length(&tiny, Focus::all()), 2);
    }

    #[test]
    fn the_forms_share_no_question_and_have_the_length_asked() {
        let pack = bundled();
        for focus in every_focus() {
            for length in 1..=max_form_length(&pack, focus) {
                let forms = build(&pack, focus, length, length as u64);
                let pre: HashSet<&String> = forms.pre_test().exercise_ids().iter().collect();
                let post: HashSet<&String> = forms.post_test().exercise_ids().iter().collect();
                assert_eq!(pre.len(), length, "{focus:?}, {length}: no repeats");
                assert_eq!(post.len(), length, "{focus:?}, {length}: no repeats");
                assert!(pre.is_disjoint(&post), "{focus:?}, {length}");
                for id in pre.iter().chain(post.iter()) {
                    let exercise = pack.exercise(id).expect("an exercise of the pack");
                    assert!(focus.contains(exercise.skill()), "{focus:?}: {id}");
                }
            }
        }
    }

    #[test]
    fn each_skill_and_each_verdict_comes_as_often_in_both_forms() {
        let pack = bundled();
        for focus in every_focus() {
            for length in 1..=max_form_length(&pack, focus) {
                let forms = build(&pack, focus, length, 7 * length as u64);
                let pre = keys(&pack, forms.pre_test());
                let post = keys(&pack, forms.post_test());
                for (skill, key) in pre.keys().chain(post.keys()) {
                    let (in_pre, in_post) = (
                        pre.get(&(*skill, key.clone())).copied().unwrap_or(0),
                        post.get(&(*skill, key.clone())).copied().unwrap_or(0),
                    );
                    match skill {
                        Skill::Contested | Skill::Quote => {
                            assert_eq!(in_pre, in_post, "{focus:?}, {length}: {skill} {key}")
                        }
                        Skill::Source | Skill::Perspective => assert!(
                            in_pre.abs_diff(in_post) <= 1,
                            "{focus:?}, {length}: {skill} {key}"
                        ),
                    }
                }
                let skills = skill_counts(&pack, forms.pre_test());
                assert_eq!(skills, skill_counts(&pack, forms.post_test()));
                // As even as the pack allows: a skill with two fewer than another
                // gives all it can.
                for skill in focus.skills() {
                    let count = skills.get(&skill).copied().unwrap_or(0);
                    let most = max_form_length(&pack, Focus::only(skill));
                    assert!(count <= most);
                    if skills.values().any(|&other| other > count + 1) {
                        assert_eq!(count, most, "{focus:?}, {length}: {skills:?}");
                    }
                }
            }
        }
        // Four skills in forms of 8: two of each.
        let forms = build(&pack, Focus::all(), 8, 1);
        let skills = skill_counts(&pack, forms.pre_test());
        assert_eq!(skills.values().copied().collect::<Vec<_>>(), vec![2; 4]);
    }

    #[test]
    fn source_keys_are_paired_together_before_they_are_paired_across() {
        let tiny = tiny_pack(&["alpha", "alpha", "alpha", "beta"], &[]);
        let source = Focus::only(Skill::Source);
        for seed in 0..20 {
            // One question each: the pair of alpha, never alpha against beta.
            let forms = build(&tiny, source, 1, seed);
            let key = |form: &Form| keys(&tiny, form).into_keys().collect::<Vec<_>>();
            assert_eq!(key(forms.pre_test()), key(forms.post_test()), "{seed}");
            // Two each: every question but none left out, alpha and beta apart.
            let forms = build(&tiny, source, 2, seed);
            let mut all: Vec<&String> = forms
                .pre_test()
                .exercise_ids()
                .iter()
                .chain(forms.post_test().exercise_ids())
                .collect();
            all.sort();
            assert_eq!(all, ["s0", "s1", "s2", "s3"]);
        }
        let tiny = tiny_pack(
            &[],
            &[
                "agreed",
                "agreed",
                "agreed",
                "contested",
                "contested",
                "single-source",
            ],
        );
        for seed in 0..20 {
            let forms = build(&tiny, Focus::only(Skill::Contested), 2, seed);
            let verdicts = |form: &Form| {
                keys(&tiny, form)
                    .into_iter()
                    .map(|((_, key), count)| (key, count))
                    .collect::<Vec<_>>()
            };
            let expected = vec![("agreed".to_string(), 1), ("contested".to_string(), 1)];
            assert_eq!(verdicts(forms.pre_test()), expected, "{seed}");
            assert_eq!(verdicts(forms.post_test()), expected, "{seed}");
        }
    }

    /// A facility for every exercise of the pack, spread from 0.05 to 0.95 so that
    /// neighbours in the pack's order differ.
    fn spread_facility(pack: &Pack) -> HashMap<String, f64> {
        let count = pack.exercises().len() as f64;
        pack.exercises()
            .iter()
            .enumerate()
            .map(|(index, exercise)| {
                // A permutation of the places, so that the pack's order is no guide.
                let place = (index * 7) % pack.exercises().len();
                (exercise.id().to_string(), 0.05 + 0.9 * place as f64 / count)
            })
            .collect()
    }

    fn mean_of(form: &Form, facility: &HashMap<String, f64>) -> f64 {
        form.exercise_ids()
            .iter()
            .map(|id| facility[id])
            .sum::<f64>()
            / form.exercise_ids().len() as f64
    }

    #[test]
    fn the_forms_are_as_hard_as_each_other_once_the_facilities_are_known() {
        let pack = bundled();
        let facility = spread_facility(&pack);
        let mut blind_worst: f64 = 0.0;
        for focus in [
            Focus::all(),
            Focus::only(Skill::Contested),
            Focus::only(Skill::Source),
        ] {
            let most = max_form_length(&pack, focus);
            for length in [4.min(most), most / 2, most] {
                for seed in 0..30 {
                    let forms = parallel_forms(&pack, focus, length, &facility, seed).unwrap();
                    let (pre, post) = (forms.pre_test(), forms.post_test());
                    assert_eq!(pre.facilities_known(), length);
                    assert_eq!(post.facilities_known(), length);
                    let (pre_mean, post_mean) =
                        (pre.mean_facility().unwrap(), post.mean_facility().unwrap());
                    assert!((pre_mean - mean_of(pre, &facility)).abs() < 1e-9);
                    assert!((post_mean - mean_of(post, &facility)).abs() < 1e-9);
                    assert!(
                        (pre_mean - post_mean).abs() <= 0.05,
                        "{focus:?}, {length}, seed {seed}: {pre_mean} and {post_mean}"
                    );
                    // The same forms built without the facilities, for comparison.
                    let blind = build(&pack, focus, length, seed);
                    blind_worst = blind_worst.max(
                        (mean_of(blind.pre_test(), &facility)
                            - mean_of(blind.post_test(), &facility))
                        .abs(),
                    );
                }
            }
        }
        assert!(
            blind_worst > 0.1,
            "without the facilities some forms are far apart: {blind_worst}"
        );
        assert_eq!(
            build(&pack, Focus::all(), 5, 1).pre_test().mean_facility(),
            None
        );
    }

    #[test]
    fn a_facility_partly_known_is_averaged_over_the_questions_it_is_known_for() {
        let pack = bundled();
        let focus = Focus::only(Skill::Contested);
        let mut facility: HashMap<String, f64> = spread_facility(&pack)
            .into_iter()
            .filter(|(id, _)| id.len() % 2 == 0)
            .collect();
        // Values that are not a share of answers count as unknown.
        let contested: Vec<&Exercise> = pack.exercises_of(Skill::Contested).collect();
        facility.insert(contested[0].id().to_string(), f64::NAN);
        facility.insert(contested[1].id().to_string(), 1.5);
        facility.insert("no-such-exercise".to_string(), 0.5);
        let valid = |id: &String| {
            facility
                .get(id)
                .filter(|value| (0.0..=1.0).contains(*value))
        };
        for seed in 0..10 {
            let forms = parallel_forms(&pack, focus, 10, &facility, seed).unwrap();
            for form in [forms.pre_test(), forms.post_test()] {
                let known: Vec<f64> = form
                    .exercise_ids()
                    .iter()
                    .filter_map(valid)
                    .copied()
                    .collect();
                assert_eq!(form.facilities_known(), known.len());
                assert_eq!(
                    form.mean_facility(),
                    (!known.is_empty()).then(|| known.iter().sum::<f64>() / known.len() as f64)
                );
            }
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_forms_and_another_seed_others() {
        let pack = bundled();
        let facility = spread_facility(&pack);
        let forms = |seed| parallel_forms(&pack, Focus::all(), 12, &facility, seed).unwrap();
        assert_eq!(forms(3), forms(3));
        assert!((0..10).any(|seed| forms(seed) != forms(3)));
        // The order within a form is shuffled too: not the pack's order.
        let ids = forms(3).pre_test().exercise_ids().to_vec();
        let mut in_pack_order = ids.clone();
        in_pack_order.sort_by_key(|id| {
            pack.exercises()
                .iter()
                .position(|exercise| exercise.id() == id)
        });
        assert_ne!(ids, in_pack_order);
    }

    #[test]
    fn forms_the_pack_cannot_give_are_refused_with_what_to_do() {
        let pack = bundled();
        let quote = Focus::only(Skill::Quote);
        let most = max_form_length(&pack, quote);
        let check = |pack: &Pack, focus, length, message: &str| {
            let error = parallel_forms(pack, focus, length, &HashMap::new(), 1).unwrap_err();
            assert_eq!(error.to_string(), message, "{error:?}");
        };
        check(
            &pack,
            quote,
            0,
            "Each form needs at least one question: choose how many questions the pre-test and the post-test each have.",
        );
        check(
            &pack,
            quote,
            most + 1,
            &format!(
                "Forms of {} questions are too long: with these skills, this lesson can give a pre-test and a post-test of at most {most} questions each that share no question and have the same mix of answers. Choose {most} or fewer.",
                most + 1
            ),
        );
        let one_of_each = tiny_pack(&[], &["agreed", "contested", "single-source"]);
        check(
            &one_of_each,
            Focus::only(Skill::Contested),
            1,
            "With these skills, this lesson does not have enough questions for a pre-test and a post-test that share no question and have the same mix of answers: choose more skills, or another lesson.",
        );
        let two_agreed = tiny_pack(&[], &["agreed", "agreed", "contested"]);
        check(
            &two_agreed,
            Focus::only(Skill::Contested),
            3,
            "Forms of 3 questions are too long: with these skills, this lesson can give a pre-test and a post-test of at most 1 question each that share no question and have the same mix of answers. Choose 1 or fewer.",
        );
        // A skill the pack has no questions of gives none.
        check(
            &two_agreed,
            Focus::only(Skill::Quote),
            1,
            "With these skills, this lesson does not have enough questions for a pre-test and a post-test that share no question and have the same mix of answers: choose more skills, or another lesson.",
        );
    }
}
