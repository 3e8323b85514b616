//! Crashes at random moments: learners answer at the same time while the server is
//! killed (SIGKILL, no chance to shut down) again and again, and restarted on the same
//! data directory each time. Every answer that got its acknowledgement (the `303`) must
//! be there afterwards, exactly once, and every page must still work.

use std::collections::BTreeSet;
use std::thread;
use std::time::Duration;

use rand::Rng;
use reqwest::StatusCode;
use reqwest::blocking::Client;

use crate::helpers::{PACK, Page, fold};

/// How many times the server is killed.
const KILLS: usize = 20;
/// How many learners answer at once.
const LEARNERS: usize = 6;
/// Each learner's rounds have this many questions.
const ROUND_LENGTH: usize = 10;

/// A learner whose client does not follow redirects, so that a `303` can be told from
/// the page it leads to: the `303` is the acknowledgement.
struct Learner {
    client: Client,
    /// (round path, question number) of every acknowledged answer.
    acknowledged: BTreeSet<(String, usize)>,
    /// Answers sent whose reply never came (the server died): each may or may not be kept.
    unsure: usize,
    /// The round in progress and the next question to answer.
    place: Option<(String, usize)>,
}

impl Learner {
    fn new() -> Learner {
        Learner {
            client: Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .timeout(Duration::from_secs(10))
                .build()
                .unwrap(),
            acknowledged: BTreeSet::new(),
            unsure: 0,
            place: None,
        }
    }

    fn get(&self, address: &str, path: &str) -> Result<Page, reqwest::Error> {
        let response = self.client.get(format!("http://{address}{path}")).send()?;
        Ok(Page {
            status: response.status(),
            url: response.url().to_string(),
            body: response.text()?,
        })
    }

    /// Answers questions until a request fails (the server was killed).
    fn answer_until_the_server_dies(&mut self, address: &str) {
        loop {
            let (round, number) = match self.place.clone() {
                Some(place) => place,
                None => match self.start_round(address) {
                    Some(round) => (round, 1),
                    None => return,
                },
            };
            self.place = Some((round.clone(), number));
            let Ok(page) = self.get(address, &format!("{round}/questions/{number}")) else {
                return;
            };
            assert_eq!(page.status, StatusCode::OK, "{}", page.body);
            if !page.texts("#feedback").is_empty() {
                // An answer sent as the server died was kept after all: move on.
                self.place = (number < ROUND_LENGTH).then(|| (round, number + 1));
                continue;
            }
            let form = |name: &str| page.attribute(&format!("input[name={name}]"), "value");
            let choice = page.attributes("input[name=choice]", "value")[0].clone();
            let sent = self
                .client
                .post(format!("http://{address}{round}/questions/{number}"))
                .form(&[
                    ("csrf", form("csrf")),
                    ("exercise", form("exercise")),
                    ("choice", choice),
                ])
                .send();
            match sent {
                Ok(response) => {
                    assert_eq!(
                        response.status(),
                        StatusCode::SEE_OTHER,
                        "an answer is acknowledged"
                    );
                    self.acknowledged.insert((round.clone(), number));
                    self.place = (number < ROUND_LENGTH).then(|| (round, number + 1));
                }
                Err(_) => {
                    self.unsure += 1;
                    return;
                }
            }
        }
    }

    /// Starts a round; its path (`/rounds/…`), or `None` if the server is gone.
    fn start_round(&self, address: &str) -> Option<String> {
        let pack = self.get(address, &format!("/packs/{PACK}")).ok()?;
        let csrf = pack.attribute("input[name=csrf]", "value");
        let response = self
            .client
            .post(format!("http://{address}/packs/{PACK}/rounds"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("focus", "mix"),
                ("length", &ROUND_LENGTH.to_string()),
            ])
            .send()
            .ok()?;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_string();
        Some(location.rsplit_once("/questions/").unwrap().0.to_string())
    }

    /// Checks, after a restart, that every acknowledged answer is there and that the
    /// progress page counts each answer once.
    fn check(&self, address: &str) {
        for (round, number) in &self.acknowledged {
            let page = self
                .get(address, &format!("{round}/questions/{number}"))
                .unwrap();
            assert_eq!(page.status, StatusCode::OK);
            assert!(
                !page.texts("#feedback").is_empty(),
                "the acknowledged answer to {round}/questions/{number} was kept"
            );
        }
        let progress = self.get(address, "/progress").unwrap();
        let counted: usize = fold(&progress.text(".score"))
            .split(' ')
            .next()
            .and_then(|number| number.parse().ok())
            .unwrap_or(0);
        let acknowledged = self.acknowledged.len();
        assert!(
            (acknowledged..=acknowledged + self.unsure).contains(&counted),
            "the progress page counts {counted} answers: {acknowledged} were acknowledged and {} more were sent without a reply",
            self.unsure
        );
    }
}

#[test]
fn twenty_kills_at_random_moments_lose_no_acknowledged_answer_and_count_none_twice() {
    let mut app = crate::helpers::spawn_app();
    let mut learners: Vec<Learner> = (0..LEARNERS).map(|_| Learner::new()).collect();
    let mut rng = rand::rng();
    for _ in 0..KILLS {
        let address = app.address.clone();
        let wait = Duration::from_millis(rng.random_range(30..250));
        thread::scope(|scope| {
            for learner in learners.iter_mut() {
                let address = address.clone();
                scope.spawn(move || learner.answer_until_the_server_dies(&address));
            }
            thread::sleep(wait);
            app.kill();
        });
        app.start_again();
        for learner in &learners {
            learner.check(&app.address);
        }
    }
    let total: usize = learners
        .iter()
        .map(|learner| learner.acknowledged.len())
        .sum();
    assert!(
        total >= KILLS * LEARNERS,
        "the learners got answers in between the kills ({total} acknowledged)"
    );
    // Every kind of page still works on the data that went through the crashes.
    for path in ["/", &format!("/packs/{PACK}"), "/progress", "/healthz"] {
        assert_eq!(
            learners[0].get(&app.address, path).unwrap().status,
            StatusCode::OK,
            "{path}"
        );
    }
    let (round, _) = learners[0].acknowledged.iter().next().unwrap();
    assert_eq!(
        learners[0]
            .get(&app.address, &format!("{round}/summary"))
            .unwrap()
            .status,
        StatusCode::OK
    );
}
