//! Printing responses as pretty JSON or as a plain-text table.

use std::io::Write;

use serde_json::Value;

use crate::args::OutputFormat;

/// Writes `value` to `out` in `format`, ending with a newline.
pub(crate) fn write_value(
    out: &mut impl Write,
    value: &Value,
    format: OutputFormat,
) -> std::io::Result<()> {
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, value)?;
            writeln!(out)
        }
        OutputFormat::Table => out.write_all(render_table(value).as_bytes()),
    }
}

/// Renders objects as aligned `key  value` lines, arrays of objects as columns with a header row,
/// other arrays one element per line, and scalars as themselves.
pub(crate) fn render_table(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            // Lists of records (e.g. `list`, `jobs`) are shown as columns after the scalar fields.
            let (tables, fields): (Vec<_>, Vec<_>) =
                map.iter().partition(|(_, v)| is_record_list(v));
            let width = fields
                .iter()
                .map(|(k, _)| k.chars().count())
                .max()
                .unwrap_or(0);
            let mut out: String = fields
                .iter()
                .map(|(k, v)| format!("{}\n", format!("{k:<width$}  {}", cell(v)).trim_end()))
                .collect();
            for (k, v) in tables {
                if !out.is_empty() {
                    out.push('\n');
                }
                out.push_str(&format!("{k}:\n"));
                out.push_str(&render_table(v));
            }
            out
        }
        Value::Array(items) if is_record_list(value) => {
            let mut columns: Vec<&str> = Vec::new();
            for item in items {
                if let Value::Object(map) = item {
                    for key in map.keys() {
                        if !columns.contains(&key.as_str()) {
                            columns.push(key);
                        }
                    }
                }
            }
            let rows: Vec<Vec<String>> = items
                .iter()
                .map(|item| {
                    columns
                        .iter()
                        .map(|c| item.get(c).map(cell).unwrap_or_default())
                        .collect()
                })
                .collect();
            let widths: Vec<usize> = columns
                .iter()
                .enumerate()
                .map(|(i, c)| {
                    rows.iter()
                        .map(|r| r[i].chars().count())
                        .chain(std::iter::once(c.chars().count()))
                        .max()
                        .unwrap_or(0)
                })
                .collect();
            let header: Vec<String> = columns.iter().map(|c| c.to_uppercase()).collect();
            std::iter::once(header)
                .chain(rows)
                .map(|row| {
                    let line: Vec<String> = row
                        .iter()
                        .zip(&widths)
                        .map(|(v, w)| format!("{v:<w$}"))
                        .collect();
                    format!("{}\n", line.join("  ").trim_end())
                })
                .collect()
        }
        Value::Array(items) => items.iter().map(|v| format!("{}\n", cell(v))).collect(),
        other => format!("{}\n", cell(other)),
    }
}

/// A non-empty array whose elements are all objects.
fn is_record_list(value: &Value) -> bool {
    matches!(value, Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_object))
}

/// One value on one line: strings unquoted, null empty, nested values as compact JSON.
fn cell(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.replace(['\n', '\r'], " "),
        Value::Bool(_) | Value::Number(_) | Value::Array(_) | Value::Object(_) => value.to_string(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn object_keys_are_aligned() {
        let out = render_table(&json!({"id": "b1", "n": null, "status": "CANCELED"}));
        assert_eq!(out, "id      b1\nn\nstatus  CANCELED\n");
    }

    #[test]
    fn array_of_objects_becomes_columns() {
        let out = render_table(&json!([
            {"id": "a", "status": "RUNNING"},
            {"id": "bbbb", "extra": {"x": 1}}
        ]));
        assert_eq!(
            out,
            "ID    STATUS   EXTRA\na     RUNNING\nbbbb           {\"x\":1}\n"
        );
    }

    #[test]
    fn record_lists_inside_objects_become_columns() {
        let out = render_table(&json!({"list": [{"id": 1, "name": "Init"}], "total": 1}));
        assert_eq!(out, "total  1\n\nlist:\nID  NAME\n1   Init\n");
    }

    #[test]
    fn scalars_and_plain_arrays() {
        assert_eq!(render_table(&json!("x")), "x\n");
        assert_eq!(render_table(&json!([1, "a"])), "1\na\n");
    }
}
