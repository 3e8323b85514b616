//! The checks every page goes through, checked themselves on pages broken on purpose:
//! a request to a CDN, an unlabelled field, faint text, skipped headings, small text and
//! a page too wide for a phone are each caught.

use serde_json::json;

use crate::helpers::{Scripting, Session, Viewport, is_foreign, session};

#[tokio::test]
async fn a_request_to_another_host_is_caught() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        browser.visit("/").await;
        let own = browser.requests().await;
        assert!(
            own.iter().any(|url| url.ends_with("/static/style.css")),
            "the browser records the page's own requests: {own:?}"
        );
        assert!(
            !own.iter()
                .any(|url| is_foreign(url, browser.server_address())),
            "the home page loads everything from the server: {own:?}"
        );

        // What a page with a font from a CDN would do. 192.0.2.1 is reserved for
        // documentation and never answers.
        browser
            .execute(
                "const link = document.createElement('link');
                 link.rel = 'stylesheet';
                 link.href = 'http://192.0.2.1/fonts.css';
                 document.head.append(link);",
            )
            .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let foreign: Vec<String> = browser
            .requests()
            .await
            .into_iter()
            .filter(|url| is_foreign(url, browser.server_address()))
            .collect();
        assert_eq!(foreign, vec!["http://192.0.2.1/fonts.css".to_string()]);
        // Forget it, or this session would fail for it at the end, as it should.
        browser.forget_requests();
    })
    .await;
}

#[tokio::test]
async fn axe_core_catches_an_unlabelled_field_faint_text_and_skipped_headings() {
    session(Viewport::Laptop, Scripting::Enabled, async |browser| {
        browser.visit("/").await;
        assert_eq!(browser.axe_violations().await, Vec::<String>::new());
        browser
            .execute(
                "const main = document.querySelector('main');
                 main.insertAdjacentHTML('beforeend',
                   '<input type=text name=nickname><p id=faint>Faint text</p>'
                   + '<h6>A heading far down the levels</h6>');
                 // Through the CSSOM: the page's Content-Security-Policy refuses inline
                 // style attributes.
                 const faint = document.getElementById('faint');
                 faint.style.color = '#bbbbbb';
                 faint.style.background = '#ffffff';",
            )
            .await;
        let violations = browser.axe_violations().await;
        for rule in ["label", "color-contrast", "heading-order"] {
            assert!(
                violations
                    .iter()
                    .any(|violation| violation.contains(&format!(" {rule}: "))),
                "axe-core reports {rule}: {violations:?}"
            );
        }
    })
    .await;
}

#[tokio::test]
async fn small_text_and_a_page_too_wide_for_a_phone_are_caught() {
    session(Viewport::Phone, Scripting::Enabled, async |browser| {
        browser.visit("/").await;
        browser
            .execute(
                "document.querySelector('main').insertAdjacentHTML('beforeend',
                   '<p id=small>Small print</p>'
                   + '<pre>A line of text far longer than any phone is wide, and it does not wrap at all.</pre>');
                 document.getElementById('small').style.fontSize = '12px';",
            )
            .await;
        let message = how_the_checks_fail(browser).await;
        assert!(message.contains("scrolls sideways"), "{message}");
        assert!(message.contains("pre"), "the message names the culprit: {message}");

        browser
            .execute("document.querySelector('pre').remove();")
            .await;
        let small = browser
            .client
            .execute(
                "return [...document.querySelectorAll('main p')]
                   .filter(p => parseFloat(getComputedStyle(p).fontSize) < 16)
                   .map(p => p.textContent);",
                Vec::new(),
            )
            .await
            .expect("measure the text");
        assert_eq!(small, json!(["Small print"]));
        let message = how_the_checks_fail(browser).await;
        assert!(message.contains("smaller than 16 px"), "{message}");
        assert!(message.contains("Small print"), "{message}");
    })
    .await;
}

/// Runs the checks of every page on a page that should fail them, and returns the
/// failure's message.
async fn how_the_checks_fail(browser: &Session) -> String {
    let outcome = futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(
        browser.check_page("broken-on-purpose"),
    ))
    .await;
    outcome
        .expect_err("the checks fail on this page")
        .downcast::<String>()
        .map(|message| *message)
        .unwrap_or_default()
}
