//! CSV exports: cells a spreadsheet would run defused, a byte-order mark so that
//! spreadsheets read UTF-8, and the response that downloads the file.

use actix_web::HttpResponse;
use actix_web::http::header;

use crate::results::safe_cell;
use crate::web::error::AppError;

/// A CSV file as a download.
pub fn csv_response(filename: &str, rows: Vec<Vec<String>>) -> Result<HttpResponse, AppError> {
    Ok(csv_download(filename, csv_bytes(rows)?))
}

/// A CSV file made of `rows`, cells a spreadsheet would run defused.
pub fn csv_bytes(rows: Vec<Vec<String>>) -> Result<Vec<u8>, AppError> {
    let mut writer = ::csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| safe_cell(cell)))
            .map_err(|error| AppError::Fault(format!("a CSV row could not be written: {error}")))?;
    }
    let body = writer
        .into_inner()
        .map_err(|error| AppError::Fault(format!("a CSV file could not be finished: {error}")))?;
    // A byte-order mark, so that spreadsheets open the UTF-8 text as UTF-8.
    let mut bytes = "\u{feff}".as_bytes().to_vec();
    bytes.extend(body);
    Ok(bytes)
}

/// A CSV file as a download named `filename`.
pub fn csv_download(filename: &str, bytes: Vec<u8>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{filename}\""),
        ))
        .body(bytes)
}
