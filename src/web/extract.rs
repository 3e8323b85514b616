//! What a handler requires, said in its signature, so that a new handler cannot forget
//! a check:
//!
//! - [`SignedIn`]: a signed-in teacher. Anyone else is sent to sign in.
//! - [`OwnedClass`], [`OwnedStudent`], [`OwnedAssignment`], [`OwnedLiveSession`]: a class,
//!   student, assignment or live session of that teacher, named by the path's
//!   `{class}`, `{student}`, `{assignment}` or `{session}`. Another teacher's answers
//!   404, exactly as one that does not exist.
//! - [`OwnedPack`]: a lesson pack of that teacher's own, named by the path's `{pack}`;
//!   another teacher's answers 404 too.
//! - [`FoundPack`]: a lesson pack on offer, named by the path's `{pack}`.
//! - [`LearnersRound`]: a practice or assignment round this browser may open, named by
//!   the path's `{round}`, with its pack. Another's round 404s as one that does not
//!   exist.
//! - [`JoinedAssignment`]: an assignment of a class this browser joined, named by the
//!   path's `{assignment}`, with the student it joined as. Any other is `404`, as
//!   one that does not exist.
//! - [`CheckedForm`]: a signed-in teacher's form whose CSRF token was checked before
//!   the handler runs.
//! - [`CheckedUpload`]: a signed-in teacher's form with a file (`multipart/form-data`),
//!   read within its limits, its CSRF token checked before the handler runs.
//! - [`AnonymousForm`]: a form shown before sign-in (joining, answering, starting a
//!   round, signing up or in) whose token was checked against the browser's form cookie
//!   before the handler runs.
//!
//! The teacher is looked up once per request, however many of these a handler takes.

use std::future::{Future, Ready, ready};
use std::pin::Pin;
use std::sync::Arc;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};

use super::AppState;
use super::error::AppError;
use super::sign_in::{SignedIn, check_anonymous_form, check_sign_in_form, require_teacher};
use crate::assignments::Assignment;
use crate::classes::{Class, Student};
use crate::content::Pack;
use crate::ids::Token;
use crate::live::LiveSession;
use crate::practice::Round;
use crate::teacher_packs::TeacherPack;

const NO_SUCH_CLASS: &str =
    "There is no class at this address among yours. Your classes are listed on your page.";
const NO_SUCH_STUDENT: &str = "There is no such student in this class.";
const NO_SUCH_ASSIGNMENT: &str = "There is no such assignment in this class.";
const NO_SUCH_PACK: &str =
    "There is no lesson pack at this address among yours. Your packs are listed on the packs page.";
const NO_SUCH_ROUND: &str = "We could not find that practice round. A round can only be opened in the browser that started it.";
pub(crate) const NO_SUCH_LIVE_SESSION: &str = "There is no live session at this address among yours. Your sessions are listed on the live sessions page.";

fn app_state(request: &HttpRequest) -> Result<&AppState, AppError> {
    request
        .app_data::<web::Data<AppState>>()
        .map(|state| state.get_ref())
        .ok_or_else(|| AppError::Fault("the server's state is missing".into()))
}

/// The signed-in teacher, looked up once per request and kept in its extensions.
fn signed_in(request: &HttpRequest) -> Result<SignedIn, AppError> {
    if let Some(known) = request.extensions().get::<SignedIn>() {
        return Ok(known.clone());
    }
    let found = require_teacher(app_state(request)?, request)?;
    request.extensions_mut().insert(found.clone());
    Ok(found)
}

/// The id in the path's segment `name`, if it is one.
fn path_id(request: &HttpRequest, name: &str) -> Option<Token> {
    request.match_info().get(name).and_then(Token::parse)
}

/// The record that the path's segment `segment` names, read by `read`, if `belongs`
/// holds for it: otherwise `404` with `missing`, alike for one that does not exist and
/// one that is another teacher's.
fn named_in_path<T, E>(
    request: &HttpRequest,
    segment: &str,
    read: impl FnOnce(&AppState, Token) -> Result<Option<T>, E>,
    belongs: impl FnOnce(&T) -> bool,
    missing: &str,
) -> Result<T, AppError>
where
    AppError: From<E>,
{
    let state = app_state(request)?;
    path_id(request, segment)
        .map(|id| read(state, id))
        .transpose()?
        .flatten()
        .filter(belongs)
        .ok_or_else(|| AppError::NotFound(missing.into()))
}

/// A class of the signed-in teacher: the path's `{class}`.
pub struct OwnedClass {
    pub signed_in: SignedIn,
    pub class: Class,
}

fn owned_class(request: &HttpRequest) -> Result<OwnedClass, AppError> {
    let signed_in = signed_in(request)?;
    let class = named_in_path(
        request,
        "class",
        |state, id| state.storage.class(id),
        |class| class.teacher == signed_in.teacher.id,
        NO_SUCH_CLASS,
    )?;
    Ok(OwnedClass { signed_in, class })
}

/// A student of a class of the signed-in teacher: the path's `{class}` and `{student}`.
pub struct OwnedStudent {
    pub signed_in: SignedIn,
    pub class: Class,
    pub student: Student,
}

fn owned_student(request: &HttpRequest) -> Result<OwnedStudent, AppError> {
    let OwnedClass { signed_in, class } = owned_class(request)?;
    let student = named_in_path(
        request,
        "student",
        |state, id| state.storage.student(id),
        |student| student.class == class.id,
        NO_SUCH_STUDENT,
    )?;
    Ok(OwnedStudent {
        signed_in,
        class,
        student,
    })
}

/// An assignment of a class of the signed-in teacher: the path's `{class}` and
/// `{assignment}`.
pub struct OwnedAssignment {
    pub class: Class,
    pub assignment: Assignment,
}

fn owned_assignment(request: &HttpRequest) -> Result<OwnedAssignment, AppError> {
    let OwnedClass { class, .. } = owned_class(request)?;
    let assignment = named_in_path(
        request,
        "assignment",
        |state, id| state.storage.assignment(id),
        |assignment| assignment.class == class.id,
        NO_SUCH_ASSIGNMENT,
    )?;
    Ok(OwnedAssignment { class, assignment })
}

/// A live session of the signed-in teacher: the path's `{session}`.
pub struct OwnedLiveSession {
    pub signed_in: SignedIn,
    pub session: LiveSession,
}

fn owned_live_session(request: &HttpRequest) -> Result<OwnedLiveSession, AppError> {
    let signed_in = signed_in(request)?;
    let session = named_in_path(
        request,
        "session",
        |state, id| state.storage.live_session(id),
        |session| session.teacher == signed_in.teacher.id,
        NO_SUCH_LIVE_SESSION,
    )?;
    Ok(OwnedLiveSession { signed_in, session })
}

/// A teacher's own lesson pack of the signed-in teacher: the path's `{pack}` (its record's
/// id). Another teacher's answers 404, as one that does not exist.
pub struct OwnedPack {
    pub signed_in: SignedIn,
    pub pack: TeacherPack,
}

fn owned_pack(request: &HttpRequest) -> Result<OwnedPack, AppError> {
    let signed_in = signed_in(request)?;
    let pack = named_in_path(
        request,
        "pack",
        |state, id| state.storage.teacher_pack(id),
        |pack| pack.teacher == signed_in.teacher.id,
        NO_SUCH_PACK,
    )?;
    Ok(OwnedPack { signed_in, pack })
}

/// A lesson pack on offer: as an extractor, the path's `{pack}` (`404` for one that is
/// not). It reads as the [`Pack`], found once: a teacher's pack taken off the shelf
/// stays whole for a request that found it.
///
/// A teacher's own pack is found for its teacher, and for browsers where no other
/// teacher is signed in (its students, who reach it through their assignments and
/// sessions); another teacher gets `404`, as for a pack that does not exist.
pub struct FoundPack {
    pack: Arc<Pack>,
    /// Whose own pack it is, or `None` for a site pack.
    owner: Option<Token>,
}

impl FoundPack {
    fn find(state: &AppState, id: &str) -> Option<FoundPack> {
        state.shelf.pack(id).map(|pack| FoundPack {
            pack,
            owner: state.shelf.owner(id),
        })
    }
}

impl std::ops::Deref for FoundPack {
    type Target = Pack;

    fn deref(&self) -> &Pack {
        &self.pack
    }
}

fn found_pack(request: &HttpRequest) -> Result<FoundPack, AppError> {
    let id = request.match_info().get("pack").unwrap_or_default();
    let state = app_state(request)?;
    let found = FoundPack::find(state, id);
    let hidden = match found.as_ref().and_then(|found| found.owner) {
        Some(owner) => crate::web::sign_in::signed_in(state, request)?
            .is_some_and(|signed_in| signed_in.teacher.id != owner),
        None => false,
    };
    found.filter(|_| !hidden).ok_or_else(|| {
        AppError::NotFound(format!(
            "There is no lesson pack called “{id}”. The home page lists the packs on offer."
        ))
    })
}

/// A round this browser may open (one it started, or a student's that it joined or
/// continued as): the path's `{round}`, with its pack. `LearnersRound<false>` reads the
/// round's plan without its answers, which is all that answering needs.
pub struct LearnersRound<const ANSWERS: bool = true> {
    pub round: Round,
    pub pack: FoundPack,
}

fn learners_round<const ANSWERS: bool>(
    request: &HttpRequest,
) -> Result<LearnersRound<ANSWERS>, AppError> {
    let state = app_state(request)?;
    let round = named_in_path(
        request,
        "round",
        |state, id| {
            if ANSWERS {
                state.storage.round(id)
            } else {
                state.storage.round_without_answers(id)
            }
        },
        |_| true,
        NO_SUCH_ROUND,
    )?;
    if !crate::web::learners::may_open(state, request, round.learner)? {
        return Err(AppError::NotFound(NO_SUCH_ROUND.into()));
    }
    let pack = FoundPack::find(state, &round.pack_id).ok_or_else(|| {
        AppError::NotFound("This round belongs to a lesson pack that is no longer offered.".into())
    })?;
    Ok(LearnersRound { round, pack })
}

/// An assignment of a class this browser joined (the path's `{assignment}`), with the
/// student it joined that class as. Taken before the form it comes with, so that a
/// stranger's form, with or without a token, is `404`.
pub struct JoinedAssignment {
    pub assignment: Assignment,
    pub student: Student,
}

fn joined_assignment(request: &HttpRequest) -> Result<JoinedAssignment, AppError> {
    const NOT_YOURS: &str = "There is no such assignment in your classes.";
    let assignment = named_in_path(
        request,
        "assignment",
        |state, id| state.storage.assignment(id),
        // A post-test its teacher has not opened is not there for students yet.
        Assignment::open_to_students,
        NOT_YOURS,
    )?;
    let student = crate::web::learners::Learners::of(app_state(request)?, request)?
        .students
        .into_iter()
        .find(|student| student.class == assignment.class)
        .ok_or_else(|| AppError::NotFound(NOT_YOURS.into()))?;
    Ok(JoinedAssignment {
        assignment,
        student,
    })
}

/// Implements `FromRequest` for extractors that are made from the request at once, each
/// by its function.
macro_rules! from_request {
    ($($extractor:ty => $make:path),+ $(,)?) => {$(
        impl FromRequest for $extractor {
            type Error = AppError;
            type Future = Ready<Result<$extractor, AppError>>;

            fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
                ready($make(request))
            }
        }
    )+};
}

from_request!(
    SignedIn => signed_in,
    OwnedClass => owned_class,
    OwnedStudent => owned_student,
    OwnedAssignment => owned_assignment,
    OwnedLiveSession => owned_live_session,
    OwnedPack => owned_pack,
    FoundPack => found_pack,
    JoinedAssignment => joined_assignment,
    LearnersRound<true> => learners_round::<true>,
    LearnersRound<false> => learners_round::<false>,
);

/// A form given as its fields in order, for one with repeated fields (such as ticked
/// skills). It reads as the slice of its fields, the token not among them.
pub struct Fields(Vec<(String, String)>);

impl std::ops::Deref for Fields {
    type Target = [(String, String)];

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<'de> Deserialize<'de> for Fields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Fields, D::Error> {
        struct InOrder;

        impl<'de> Visitor<'de> for InOrder {
            type Value = Fields;

            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("a form's fields")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields, A::Error> {
                let mut fields = Vec::new();
                while let Some(field) = map.next_entry()? {
                    fields.push(field);
                }
                Ok(Fields(fields))
            }
        }

        deserializer.deserialize_map(InOrder)
    }
}

/// The first value of the field `name` of a form given as its fields in order.
pub fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
}

/// Every value of the field `name` of a form given as its fields in order (a box ticked
/// once for each value), in order.
pub fn every_field<'a>(fields: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    fields
        .iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .collect()
}

/// A signed-in teacher's form whose token was checked against their sign-in before
/// the handler runs: a forged or stale form is refused (403) and logged.
pub struct CheckedForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CheckedForm<T> {
    type Error = actix_web::Error;
    type Future = FormFuture<CheckedForm<T>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        read_and_check(request, payload, CheckedForm, |request, token| {
            check_sign_in_form(&signed_in(request)?, token)
        })
    }
}

/// A form being read and checked.
type FormFuture<F> = Pin<Box<dyn Future<Output = Result<F, actix_web::Error>>>>;

/// Reads the form `T`, then lets `check` judge its token before wrapping it: what the
/// two kinds of checked form share.
fn read_and_check<T, F>(
    request: &HttpRequest,
    payload: &mut Payload,
    wrap: fn(T) -> F,
    check: fn(&HttpRequest, Option<&str>) -> Result<(), AppError>,
) -> FormFuture<F>
where
    T: DeserializeOwned + 'static,
    F: 'static,
{
    let request = request.clone();
    let sent = web::Form::<Tokened<T>>::from_request(&request, payload);
    Box::pin(async move {
        let Tokened { csrf, form } = sent.await?.into_inner();
        check(&request, csrf.as_deref())?;
        Ok(wrap(form))
    })
}

/// A form as the browser sends it: its CSRF token (`csrf`) beside the fields the handler
/// reads, so that no form declares the token. The fields are handed on as text, which
/// every form's fields are: serde_urlencoded cannot read a flattened number or bool.
#[derive(Deserialize)]
struct Tokened<T> {
    csrf: Option<String>,
    #[serde(flatten)]
    form: T,
}

/// A form shown before sign-in (joining, answering, signing up) whose token was checked
/// against the browser's form cookie before the handler runs: a forged or stale form
/// is refused (403), and logged within the log's cap.
pub struct AnonymousForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for AnonymousForm<T> {
    type Error = actix_web::Error;
    type Future = FormFuture<AnonymousForm<T>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        read_and_check(request, payload, AnonymousForm, |request, token| {
            check_anonymous_form(app_state(request)?, request, token)
        })
    }
}

/// A file sent with a [`CheckedUpload`].
pub struct Upload {
    /// The file's name on the sender's computer, as the browser gave it.
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// A signed-in teacher's form with a file (`multipart/form-data`): its text fields in
/// order and its one file, read only once the sender is known to be signed in, within
/// [`UPLOAD_LIMIT_BYTES`] for the file and `TEXT_LIMIT` bytes for the rest, and its
/// token checked before the handler runs. The pack builder's forms are multipart too,
/// with a larger `TEXT_LIMIT` ([`BuilderForm`]), since a pasted document is text.
pub struct CheckedUpload<const TEXT_LIMIT: usize = FORM_LIMIT_BYTES> {
    pub fields: Vec<(String, String)>,
    /// The file, if one was chosen.
    pub file: Option<Upload>,
}

/// The largest file a [`CheckedUpload`] takes: an archive of a pack
/// ([`crate::content::archive::MAX_ARCHIVE_BYTES`]).
pub const UPLOAD_LIMIT_BYTES: usize = crate::content::archive::MAX_ARCHIVE_BYTES;
/// The most bytes of text fields (and parts) a [`CheckedUpload`] takes besides its file,
/// unless it says otherwise.
pub const FORM_LIMIT_BYTES: usize = 16 * 1024;
/// The most bytes of text fields a pack builder's form takes: a pasted document of the
/// largest size a teacher's pack allows, and its metadata.
pub const BUILDER_LIMIT_BYTES: usize = crate::teacher_packs::MAX_DOCUMENT_BYTES + 64 * 1024;
/// A form of the pack builder.
pub type BuilderForm = CheckedUpload<BUILDER_LIMIT_BYTES>;

impl<const TEXT_LIMIT: usize> FromRequest for CheckedUpload<TEXT_LIMIT> {
    type Error = actix_web::Error;
    type Future = FormFuture<CheckedUpload<TEXT_LIMIT>>;

    fn from_request(request: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let request = request.clone();
        let signed_in = signed_in(&request);
        let mut parts = actix_multipart::Multipart::new(request.headers(), payload.take());
        Box::pin(async move {
            use futures_util::StreamExt;
            let signed_in = signed_in?;
            let too_large = || {
                AppError::bad_request_with_back(
                    format!(
                        "The file you sent is larger than the {} MB this form takes. Nothing was stored.",
                        UPLOAD_LIMIT_BYTES / (1024 * 1024)
                    ),
                    request.path().to_string(),
                )
            };
            let unreadable = |error: actix_multipart::MultipartError| {
                AppError::bad_request_with_back(
                    format!(
                        "The form could not be read ({error}). Nothing was stored; send it again."
                    ),
                    request.path().to_string(),
                )
            };
            let mut fields = Vec::new();
            let mut file: Option<Upload> = None;
            let mut text_bytes = 0;
            // A file over the limit is read to its end unkept, so that the browser, still
            // sending, gets the message; a body far past it is cut off.
            let mut over: Option<AppError> = None;
            let mut discarded = 0;
            while let Some(part) = parts.next().await {
                let mut part = part.map_err(unreadable)?;
                let name = part.name().unwrap_or_default().to_string();
                let filename = part
                    .content_disposition()
                    .and_then(|disposition| disposition.get_filename())
                    .map(str::to_string);
                let mut bytes = Vec::new();
                while let Some(chunk) = part.next().await {
                    let chunk = chunk.map_err(unreadable)?;
                    if over.is_some() {
                        discarded += chunk.len();
                        if discarded > 4 * UPLOAD_LIMIT_BYTES {
                            return Err(over.unwrap_or(AppError::TooLarge).into());
                        }
                        continue;
                    }
                    bytes.extend_from_slice(&chunk);
                    if filename.is_some() && bytes.len() > UPLOAD_LIMIT_BYTES {
                        over = Some(too_large());
                    } else if filename.is_none() && text_bytes + bytes.len() > TEXT_LIMIT {
                        over = Some(AppError::TooLarge);
                    }
                }
                if over.is_some() {
                    continue;
                }
                match filename {
                    // A file field left empty sends a part with no name and no bytes.
                    Some(filename) if filename.is_empty() && bytes.is_empty() => {}
                    Some(filename) if file.is_none() => file = Some(Upload { filename, bytes }),
                    Some(_) => {}
                    None => {
                        text_bytes += bytes.len() + name.len();
                        let value = String::from_utf8(bytes).map_err(|_| {
                            AppError::bad_request_with_back(
                                "The form held text that is not UTF-8. Nothing was stored; send it again.",
                                request.path().to_string(),
                            )
                        })?;
                        fields.push((name, value));
                    }
                }
            }
            if let Some(error) = over {
                return Err(error.into());
            }
            let token = fields
                .iter()
                .find(|(name, _)| name == "csrf")
                .map(|(_, value)| value.as_str());
            check_sign_in_form(&signed_in, token)?;
            fields.retain(|(name, _)| name != "csrf");
            Ok(CheckedUpload { fields, file })
        })
    }
}
