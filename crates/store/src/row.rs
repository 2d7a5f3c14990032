//! Statements and result rows that both access paths understand: sqlx's
//! (every write, and every read on PostgreSQL) and the direct SQLite read
//! path ([`crate::direct`]). A read written once against [`Query`] and
//! [`ReadRow`] runs on either, so the SQL and the row mapping stay one code.

use std::sync::Arc;

use sqlx::Any;
use sqlx::any::{AnyArguments, AnyRow};

use crate::StoreError;

/// A value a row mapping can read on both paths.
pub(crate) trait Cell: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + rusqlite::types::FromSql {}

impl<T> Cell for T where T: for<'r> sqlx::Decode<'r, Any> + sqlx::Type<Any> + rusqlite::types::FromSql {}

/// A column by position (from 0) or by name.
pub(crate) trait RowIndex: sqlx::ColumnIndex<AnyRow> + Copy + std::fmt::Debug {
    fn position(self, names: &[String]) -> Option<usize>;
}

impl RowIndex for usize {
    fn position(self, names: &[String]) -> Option<usize> {
        (self < names.len()).then_some(self)
    }
}

impl RowIndex for &str {
    fn position(self, names: &[String]) -> Option<usize> {
        names.iter().position(|name| name == self)
    }
}

/// A result row, whichever path read it. (`column`, not `try_get`, so that
/// it never competes with sqlx's own method on an `AnyRow`.)
pub(crate) trait ReadRow {
    fn column<T: Cell, I: RowIndex>(&self, index: I) -> Result<T, StoreError>;
}

impl ReadRow for AnyRow {
    fn column<T: Cell, I: RowIndex>(&self, index: I) -> Result<T, StoreError> {
        Ok(sqlx::Row::try_get(self, index)?)
    }
}

/// A row read by the direct SQLite path: its values, owned, and the
/// statement's column names (shared by all its rows).
pub(crate) struct DirectRow {
    pub(crate) names: Arc<[String]>,
    pub(crate) values: Vec<rusqlite::types::Value>,
}

impl ReadRow for DirectRow {
    fn column<T: Cell, I: RowIndex>(&self, index: I) -> Result<T, StoreError> {
        let value = index
            .position(&self.names)
            .and_then(|at| self.values.get(at))
            .ok_or_else(|| StoreError::Internal(format!("no column {index:?} in the row")))?;
        T::column_result(rusqlite::types::ValueRef::from(value))
            .map_err(|e| StoreError::Internal(format!("column {index:?}: {e}")))
    }
}

/// A row of [`crate::tx::Tx::fetch_all`].
pub(crate) enum Row {
    Pooled(AnyRow),
    Direct(DirectRow),
}

impl ReadRow for Row {
    fn column<T: Cell, I: RowIndex>(&self, index: I) -> Result<T, StoreError> {
        match self {
            Row::Pooled(row) => row.column(index),
            Row::Direct(row) => row.column(index),
        }
    }
}

/// A value bound to a `$N` placeholder.
#[derive(Debug, Clone)]
pub(crate) enum Bind<'q> {
    Text(&'q str),
    OwnedText(String),
    Int(i64),
    Null,
}

impl<'q> From<&'q str> for Bind<'q> {
    fn from(text: &'q str) -> Self {
        Bind::Text(text)
    }
}

impl<'q> From<&'q String> for Bind<'q> {
    fn from(text: &'q String) -> Self {
        Bind::Text(text)
    }
}

impl From<String> for Bind<'_> {
    fn from(text: String) -> Self {
        Bind::OwnedText(text)
    }
}

impl From<i64> for Bind<'_> {
    fn from(number: i64) -> Self {
        Bind::Int(number)
    }
}

impl<'q, T: Into<Bind<'q>>> From<Option<T>> for Bind<'q> {
    fn from(value: Option<T>) -> Self {
        value.map_or(Bind::Null, Into::into)
    }
}

/// A statement with `$1`, `$2`, … placeholders and their values in order.
pub(crate) struct Query<'q> {
    pub(crate) sql: &'q str,
    pub(crate) binds: Vec<Bind<'q>>,
}

impl<'q> Query<'q> {
    pub(crate) fn new(sql: &'q str) -> Self {
        Query { sql, binds: Vec::new() }
    }

    pub(crate) fn bind(mut self, value: impl Into<Bind<'q>>) -> Self {
        self.binds.push(value.into());
        self
    }

    /// The same statement for sqlx.
    pub(crate) fn to_sqlx(&self) -> sqlx::query::Query<'_, Any, AnyArguments<'_>> {
        let mut query = sqlx::query(self.sql);
        for bind in &self.binds {
            query = match bind {
                Bind::Text(text) => query.bind(*text),
                Bind::OwnedText(text) => query.bind(text.as_str()),
                Bind::Int(number) => query.bind(*number),
                Bind::Null => query.bind(None::<String>),
            };
        }
        query
    }
}
