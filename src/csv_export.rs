//! The one CSV writer of every export: UTF-8 with a BOM (so spreadsheet programs show the
//! Chinese), CRLF line ends, quoting by the `csv` crate, and cells a spreadsheet would run as a
//! formula (starting with `= + - @`, a tab or a carriage return) defused with a leading `'`.
//!
//! [`response`] sends the first part before anything else is decided, so an export whose first
//! query fails answers an ordinary error envelope; a failure later ends the connection without
//! the closing chunk, which browsers and curl report as a failed download (never a file that
//! merely looks complete).
use std::borrow::Cow;

use actix_web::HttpResponse;
use actix_web::http::header::{self, ContentDisposition, DispositionParam, DispositionType};
use actix_web::web::Bytes;
use futures_util::{Stream, StreamExt};

use crate::error::{ApiError, ApiResult};

/// A cell as written: formulas defused.
pub fn defuse(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// Rows of a CSV file, written to memory one part at a time.
pub struct CsvWriter(csv::Writer<Vec<u8>>);

impl CsvWriter {
    /// The start of a file: the BOM and the header row.
    pub fn with_header(header: &[&str]) -> ApiResult<Self> {
        let mut w = Self::starting_with("\u{feff}".as_bytes().to_vec());
        w.row(header.iter().copied())?;
        Ok(w)
    }

    /// More rows of a file already started.
    pub fn rows() -> Self {
        Self::starting_with(Vec::new())
    }

    fn starting_with(bytes: Vec<u8>) -> Self {
        Self(
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(bytes),
        )
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: impl IntoIterator<Item = S>) -> ApiResult<()> {
        let cells: Vec<String> = cells
            .into_iter()
            .map(|c| defuse(c.as_ref()).into_owned())
            .collect();
        self.0
            .write_record(&cells)
            .map_err(|e| ApiError::Unexpected(anyhow::Error::new(e).context("writing CSV")))
    }

    pub fn into_bytes(self) -> ApiResult<Bytes> {
        self.0
            .into_inner()
            .map(Bytes::from)
            .map_err(|e| ApiError::Unexpected(anyhow::anyhow!("writing CSV: {e}")))
    }
}

/// A CSV download: `first` goes out at once, `rest` streams after it.
pub fn response(
    filename: &str,
    first: Bytes,
    rest: impl Stream<Item = Result<Bytes, ApiError>> + 'static,
) -> HttpResponse {
    let body = futures_util::stream::once(async move { Ok::<_, ApiError>(first) })
        .chain(rest)
        .map(|part| {
            part.map_err(|e| {
                // Logged here, as the client only sees the connection end.
                tracing::error!(error = %e, "export failed after its first part; connection aborted");
                actix_web::Error::from(e)
            })
        });
    HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/csv; charset=utf-8"))
        .insert_header(ContentDisposition {
            disposition: DispositionType::Attachment,
            parameters: vec![DispositionParam::Filename(filename.to_owned())],
        })
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(rows: &[&[&str]]) -> String {
        let mut w = CsvWriter::with_header(&["姓名", "备注"]).unwrap();
        for r in rows {
            w.row(r.iter().copied()).unwrap();
        }
        String::from_utf8(w.into_bytes().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn a_file_starts_with_the_bom_and_the_header_and_ends_lines_with_crlf() {
        assert_eq!(file(&[&["张三", ""]]), "\u{feff}姓名,备注\r\n张三,\r\n");
    }

    #[test]
    fn cells_are_quoted_as_csv_requires() {
        assert_eq!(
            file(&[&["a,b", "say \"hi\""], &["第一行\n第二行", "x"]]),
            "\u{feff}姓名,备注\r\n\"a,b\",\"say \"\"hi\"\"\"\r\n\"第一行\n第二行\",x\r\n"
        );
    }

    #[test]
    fn cells_a_spreadsheet_would_run_as_formulas_are_defused() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("张=三", "张=三"),
        ] {
            assert_eq!(defuse(cell), written);
        }
        assert_eq!(
            file(&[&["+1,2", "ok"]]),
            "\u{feff}姓名,备注\r\n\"'+1,2\",ok\r\n"
        );
    }

    #[test]
    fn rows_without_a_header_carry_no_bom() {
        let mut w = CsvWriter::rows();
        w.row(["a", "b"]).unwrap();
        assert_eq!(&w.into_bytes().unwrap()[..], b"a,b\r\n");
    }
}
