//! The logical payload: every table as JSON Lines, the same bytes whichever
//! back end wrote them.
//!
//! ```text
//! {"table":"clinics","columns":[["id","text"],["created_at","int"],…]}   a table's header
//! ["0190…",1733560000000,…]                                             one line per row
//! {"table":"users",…}                                                    the next table
//! ```
//!
//! Tables come in the order they must be inserted (what a row refers to
//! comes first), rows in primary-key order (text compared byte-wise), so two
//! dumps of the same rows are identical bytes on SQLite and PostgreSQL.
//! Values are typed by their column: `int` is a JSON integer (i64, exact),
//! `text` a JSON string (as stored, no normalisation), `blob` standard
//! base64 in a string; `null` is NULL in any column. Instants are `int`
//! milliseconds and dates `text` in the schema itself, so no time value is
//! ever reformatted. Each table's section (its header and rows, newline
//! included) has its own SHA-256 in the manifest.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Write};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{BackupError, Manifest};

/// A line longer than this is not one Myomap wrote (a posture photo is at
/// most a few MiB, a third more in base64).
const MAX_LINE: u64 = 64 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnType {
    Int,
    Text,
    Blob,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

/// A table's name and columns, in the order its rows list values.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableHeader {
    pub table: String,
    pub columns: Vec<(String, ColumnType)>,
}

/// What one table's section held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDigest {
    pub table: String,
    pub rows: u64,
    pub sha256: String,
}

/// A section being written or read.
struct Section {
    header: TableHeader,
    rows: u64,
    hasher: Sha256,
}

impl Section {
    fn close(self) -> TableDigest {
        TableDigest {
            table: self.header.table,
            rows: self.rows,
            sha256: hex::encode(self.hasher.finalize()),
        }
    }
}

/// Writes a logical payload to `out`, measuring each table as it goes.
pub struct LogicalWriter<W: Write> {
    out: W,
    current: Option<Section>,
    done: Vec<TableDigest>,
    line: Vec<u8>,
}

impl<W: Write> LogicalWriter<W> {
    pub fn new(out: W) -> Self {
        LogicalWriter {
            out,
            current: None,
            done: Vec::new(),
            line: Vec::with_capacity(4096),
        }
    }

    /// The writer underneath (to drain a buffer between rows).
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    pub fn begin_table(&mut self, header: TableHeader) -> Result<(), BackupError> {
        if header.table == self.current.as_ref().map_or("", |s| s.header.table.as_str())
            || self.done.iter().any(|d| d.table == header.table)
        {
            return Err(BackupError::Logical(format!("table {} written twice", header.table)));
        }
        if let Some(section) = self.current.take() {
            self.done.push(section.close());
        }
        self.line.clear();
        serde_json::to_writer(&mut self.line, &header).map_err(|e| BackupError::Logical(e.to_string()))?;
        self.line.push(b'\n');
        let mut hasher = Sha256::new();
        hasher.update(&self.line);
        self.out.write_all(&self.line).map_err(BackupError::write)?;
        self.current = Some(Section {
            header,
            rows: 0,
            hasher,
        });
        Ok(())
    }

    pub fn row(&mut self, values: &[Value]) -> Result<(), BackupError> {
        let Some(section) = self.current.as_mut() else {
            return Err(BackupError::Logical("a row before any table".into()));
        };
        if values.len() != section.header.columns.len() {
            return Err(BackupError::Logical(format!(
                "table {}: a row of {} values for {} columns",
                section.header.table,
                values.len(),
                section.header.columns.len()
            )));
        }
        self.line.clear();
        self.line.push(b'[');
        for (i, (value, (column, kind))) in values.iter().zip(&section.header.columns).enumerate() {
            if i > 0 {
                self.line.push(b',');
            }
            let written = match (value, kind) {
                (Value::Null, _) => {
                    self.line.extend_from_slice(b"null");
                    Ok(())
                }
                (Value::Int(n), ColumnType::Int) => {
                    self.line.extend_from_slice(n.to_string().as_bytes());
                    Ok(())
                }
                (Value::Text(text), ColumnType::Text) => serde_json::to_writer(&mut self.line, text),
                (Value::Blob(bytes), ColumnType::Blob) => {
                    serde_json::to_writer(&mut self.line, &STANDARD.encode(bytes))
                }
                _ => {
                    return Err(BackupError::Logical(format!(
                        "table {}, column {column}: a value that is not {kind:?}",
                        section.header.table
                    )));
                }
            };
            written.map_err(|e| BackupError::Logical(e.to_string()))?;
        }
        self.line.extend_from_slice(b"]\n");
        section.hasher.update(&self.line);
        section.rows += 1;
        self.out.write_all(&self.line).map_err(BackupError::write)
    }

    /// Ends the last table; answers the writer and every table's digest, in order.
    pub fn finish(mut self) -> (W, Vec<TableDigest>) {
        if let Some(section) = self.current.take() {
            self.done.push(section.close());
        }
        (self.out, self.done)
    }
}

/// One thing a logical payload holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// A table begins; its rows follow.
    Table(TableHeader),
    Row(Vec<Value>),
}

/// Reads a logical payload item by item, measuring each table.
pub struct LogicalReader<R: BufRead> {
    input: R,
    current: Option<Section>,
    done: Vec<TableDigest>,
    line: Vec<u8>,
    line_number: u64,
}

impl<R: BufRead> LogicalReader<R> {
    pub fn new(input: R) -> Self {
        LogicalReader {
            input,
            current: None,
            done: Vec::new(),
            line: Vec::new(),
            line_number: 0,
        }
    }

    /// The columns of the table being read.
    pub fn header(&self) -> Option<&TableHeader> {
        self.current.as_ref().map(|s| &s.header)
    }

    fn bad(&self, what: impl std::fmt::Display) -> BackupError {
        BackupError::Logical(format!("line {}: {what}", self.line_number))
    }

    /// The next table or row; `None` at the end of the payload (which, over
    /// a [`crate::Payload`], means its checksum held).
    pub fn next_item(&mut self) -> Result<Option<Item>, BackupError> {
        self.line.clear();
        let read = (&mut self.input)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut self.line)
            .map_err(crate::payload_error)?;
        if read == 0 {
            if let Some(section) = self.current.take() {
                self.done.push(section.close());
            }
            return Ok(None);
        }
        self.line_number += 1;
        if self.line.last() != Some(&b'\n') {
            return Err(self.bad(if read as u64 > MAX_LINE {
                "a line longer than any Myomap writes"
            } else {
                "the last line is not complete"
            }));
        }
        match self.line.first() {
            Some(b'{') => {
                let header: TableHeader = serde_json::from_slice(&self.line).map_err(|e| self.bad(e))?;
                if self.done.iter().any(|d| d.table == header.table)
                    || self.current.as_ref().is_some_and(|s| s.header.table == header.table)
                {
                    return Err(self.bad(format!("table {} appears twice", header.table)));
                }
                if let Some(section) = self.current.take() {
                    self.done.push(section.close());
                }
                let mut hasher = Sha256::new();
                hasher.update(&self.line);
                self.current = Some(Section {
                    header: header.clone(),
                    rows: 0,
                    hasher,
                });
                Ok(Some(Item::Table(header)))
            }
            Some(b'[') => {
                let raw: Vec<serde_json::Value> = serde_json::from_slice(&self.line).map_err(|e| self.bad(e))?;
                let Some(section) = self.current.as_ref() else {
                    return Err(self.bad("a row before any table"));
                };
                if raw.len() != section.header.columns.len() {
                    return Err(self.bad(format!(
                        "table {}: {} values for {} columns",
                        section.header.table,
                        raw.len(),
                        section.header.columns.len()
                    )));
                }
                let mut values = Vec::with_capacity(raw.len());
                for (value, (column, kind)) in raw.into_iter().zip(&section.header.columns) {
                    let typed = match (value, kind) {
                        (serde_json::Value::Null, _) => Some(Value::Null),
                        (serde_json::Value::Number(n), ColumnType::Int) => n.as_i64().map(Value::Int),
                        (serde_json::Value::String(s), ColumnType::Text) => Some(Value::Text(s)),
                        (serde_json::Value::String(s), ColumnType::Blob) => STANDARD.decode(s).ok().map(Value::Blob),
                        _ => None,
                    };
                    match typed {
                        Some(v) => values.push(v),
                        None => {
                            return Err(self.bad(format!(
                                "table {}, column {column}: not a {kind:?} value",
                                section.header.table
                            )));
                        }
                    }
                }
                if let Some(section) = self.current.as_mut() {
                    section.hasher.update(&self.line);
                    section.rows += 1;
                }
                Ok(Some(Item::Row(values)))
            }
            _ => Err(self.bad("neither a table nor a row")),
        }
    }

    /// Every table read so far, in order (complete once `next_item` answered `None`).
    pub fn digests(&self) -> &[TableDigest] {
        &self.done
    }
}

/// The tables read must be exactly the manifest's: the same names, rows and
/// checksums.
pub fn check_tables(manifest: &Manifest, digests: &[TableDigest]) -> Result<(), BackupError> {
    let found: BTreeMap<&str, &TableDigest> = digests.iter().map(|d| (d.table.as_str(), d)).collect();
    for (table, rows) in &manifest.tables {
        let Some(digest) = found.get(table.as_str()) else {
            return Err(BackupError::TableMismatch(format!(
                "the manifest lists table {table}, the backup does not hold it"
            )));
        };
        if digest.rows != *rows {
            return Err(BackupError::TableMismatch(format!(
                "table {table} holds {} rows, the manifest says {rows}",
                digest.rows
            )));
        }
        if manifest.table_sha256.get(table) != Some(&digest.sha256) {
            return Err(BackupError::TableMismatch(format!(
                "table {table}'s SHA-256 differs from the manifest's"
            )));
        }
    }
    if let Some(extra) = digests.iter().find(|d| !manifest.tables.contains_key(&d.table)) {
        return Err(BackupError::TableMismatch(format!(
            "the backup holds table {}, which the manifest does not list",
            extra.table
        )));
    }
    Ok(())
}

impl Value {
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }
}
