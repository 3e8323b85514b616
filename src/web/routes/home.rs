//! `GET /`: the packs on offer.

use actix_web::{HttpResponse, web};
use askama::Template;

use super::html;
use crate::content::Pack;
use crate::web::AppState;
use crate::web::error::AppError;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage<'a> {
    packs: Vec<&'a Pack>,
}

pub async fn show_home(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    html(&HomePage {
        packs: state.library.packs().collect(),
    })
}
