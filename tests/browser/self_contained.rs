//! The check that pages load nothing from other hosts, checked itself: a page that
//! reaches for a CDN is caught. (Every other test runs the check on its own pages.)

use crate::helpers::{Scripting, Viewport, is_foreign, session};

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
