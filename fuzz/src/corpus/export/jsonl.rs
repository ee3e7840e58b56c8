//! The canonical corpus file: one [`Case`] per line as JSON (`corpus.jsonl`), and its reader.
//!
//! The records are written exactly as serde serializes [`Case`], one per line in input order,
//! so `read_jsonl` of an export gives back the same cases.

use std::path::Path;

use super::{ExportError, Output};
use crate::corpus::record::Case;

/// The file name of the JSON Lines export.
pub const FILE_NAME: &str = "corpus.jsonl";

/// Writes `corpus.jsonl`.
pub(crate) fn export(cases: &[Case], out: &mut Output) -> Result<(), ExportError> {
    let mut text = String::new();
    for case in cases {
        let line = serde_json::to_string(case)
            .map_err(|e| ExportError::case(&case.id, format!("cannot serialize: {e}")))?;
        text.push_str(&line);
        text.push('\n');
    }
    out.file(FILE_NAME, text.as_bytes())
}

/// Reads a JSON Lines corpus: one [`Case`] per non-blank line. Errors name the file, the line
/// and (from serde) the column.
pub fn read_jsonl(path: &Path) -> Result<Vec<Case>, ExportError> {
    let text = std::fs::read_to_string(path).map_err(|source| ExportError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(i, line)| {
            serde_json::from_str(line).map_err(|e| ExportError::Jsonl {
                path: path.to_path_buf(),
                line: i + 1,
                reason: format!("column {}: {e}", e.column()),
            })
        })
        .collect()
}
