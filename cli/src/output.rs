//! Results as a table for people or JSON lines for scripts (one object per item, the API's field names).

use std::io::{self, Write};

use attio_meetings::BoxStream;
use futures_util::TryStreamExt;
use serde::Serialize;

use crate::failure::Failure;

/// Where results go, and in which form.
pub struct Output {
    json: bool,
}

impl Output {
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    /// One item as a JSON line.
    pub fn line(&self, item: &impl Serialize) -> Result<(), Failure> {
        let text = serde_json::to_string(item)
            .map_err(|e| Failure::new(format!("cannot print as JSON: {e}")))?;
        write_out(format_args!("{text}\n"))
    }
}

/// Prints the items of a listing (at most `limit`) as JSON lines as they arrive, or as a table at the
/// end; `doing` names the call in an error, `none` is said on stderr when there is nothing.
pub async fn list<T: Serialize>(
    out: &Output,
    mut items: BoxStream<T>,
    limit: Option<usize>,
    doing: &str,
    none: &str,
    header: &[&str],
    row: impl Fn(&T) -> Vec<String>,
) -> Result<(), Failure> {
    let mut table = Table::new(header);
    let mut count = 0;
    while limit.is_none_or(|limit| count < limit) {
        let Some(item) = items
            .try_next()
            .await
            .map_err(|e| Failure::api(doing, &e))?
        else {
            break;
        };
        count += 1;
        if out.json() {
            out.line(&item)?;
        } else {
            table.row(row(&item));
        }
    }
    if count == 0 {
        eprintln!("{none}");
    } else if !out.json() {
        table.print()?;
    }
    Ok(())
}

/// Writes to stdout; a closed pipe (`| head`) ends the output quietly.
pub fn write_out(text: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    let mut stdout = io::stdout().lock();
    match stdout.write_fmt(text) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Failure::new(format!("cannot write the output: {e}"))),
    }
}

/// A table with a header, columns as wide as their widest cell (up to `MAX_CELL` characters).
pub struct Table {
    rows: Vec<Vec<String>>,
}

const MAX_CELL: usize = 48;

impl Table {
    pub fn new(header: &[&str]) -> Self {
        Self {
            rows: vec![header.iter().map(|h| h.to_string()).collect()],
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| clip(&c.replace(['\n', '\t'], " ")))
                .collect(),
        );
    }

    /// Prints the table (after the rows are known: widths depend on them).
    pub fn print(&self) -> Result<(), Failure> {
        let columns = self.rows.first().map_or(0, Vec::len);
        let widths: Vec<usize> = (0..columns)
            .map(|c| {
                self.rows
                    .iter()
                    .map(|r| r.get(c).map_or(0, |s| s.chars().count()))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let mut text = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (c, cell) in row.iter().enumerate() {
                if c + 1 == columns {
                    line.push_str(cell);
                } else {
                    let width = widths.get(c).copied().unwrap_or(0);
                    let pad = width.saturating_sub(cell.chars().count());
                    line.push_str(cell);
                    line.push_str(&" ".repeat(pad + 2));
                }
            }
            text.push_str(line.trim_end());
            text.push('\n');
        }
        write_out(format_args!("{text}"))
    }
}

fn clip(text: &str) -> String {
    if text.chars().count() <= MAX_CELL {
        return text.to_string();
    }
    let mut clipped: String = text.chars().take(MAX_CELL - 1).collect();
    clipped.push('…');
    clipped
}

/// A count with its noun: `plural(1, "meeting", "meetings")` is `1 meeting`, 0 and 2 take `meetings`.
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A key-value listing of one item.
pub fn fields(pairs: &[(&str, String)]) -> Result<(), Failure> {
    let width = pairs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut text = String::new();
    for (key, value) in pairs {
        text.push_str(format!("{key:width$}  {value}").trim_end());
        text.push('\n');
    }
    write_out(format_args!("{text}"))
}

#[cfg(test)]
mod tests {
    use super::plural;

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1, "meeting", "meetings"), "1 meeting");
        assert_eq!(plural(0, "meeting", "meetings"), "0 meetings");
        assert_eq!(plural(2, "meeting", "meetings"), "2 meetings");
        assert_eq!(plural(11, "entry", "entries"), "11 entries");
    }
}
