//! Input checks done before anything is sent, so a typo fails fast with the field name instead of a 400 from
//! the gateway (or worse, a request against the wrong resource).

use hwcloud_transport::Error;

use crate::model::{ListHistoryQuery, ListProjectJobsQuery, RunJobRequest};

/// Parameter names the service refuses because they would change the executor's environment.
pub const FORBIDDEN_PARAMETER_NAMES: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "PATH",
    "BASH_ENV",
    "GIT_SSH_COMMAND",
    "path",
];

/// Largest page size / `limit` the service accepts.
pub const MAX_PAGE_SIZE: u32 = 100;
/// Largest `interval` (days back from today, 0 = today) of ShowListHistory.
pub const MAX_INTERVAL_DAYS: u32 = 30;
/// Longest parameter name.
pub const MAX_PARAMETER_NAME_LEN: usize = 128;
/// Longest parameter value.
pub const MAX_PARAMETER_VALUE_LEN: usize = 8192;

fn lower_alnum(field: &'static str, value: &str, what: &str) -> Result<(), Error> {
    if value.len() != 32 {
        return Err(Error::invalid_input(
            field,
            format!(
                "{what} must be exactly 32 characters of [0-9a-z], got {} characters",
                value.chars().count()
            ),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_digit() || c.is_ascii_lowercase()))
    {
        return Err(Error::invalid_input(
            field,
            format!("{what} must be 32 characters of [0-9a-z], found {c:?}"),
        ));
    }
    Ok(())
}

/// `job_id`: exactly 32 of `[0-9a-z]` (the end of the job's console URL).
pub fn job_id(value: &str) -> Result<(), Error> {
    lower_alnum("job_id", value, "a CodeArts Build job id")
}

/// CodeArts project id (not the IAM project id): exactly 32 of `[0-9a-z]`.
pub fn project_id(value: &str) -> Result<(), Error> {
    lower_alnum("project_id", value, "a CodeArts project id")
}

/// `build_no`: 1 … 2 147 483 647 (an int32 on the service side).
pub fn build_no(field: &'static str, value: u32) -> Result<(), Error> {
    if value == 0 {
        return Err(Error::invalid_input(field, "build numbers start at 1"));
    }
    if value > i32::MAX as u32 {
        return Err(Error::invalid_input(
            field,
            format!("must be at most {} (int32), got {value}", i32::MAX),
        ));
    }
    Ok(())
}

/// `record_id`: 36 of `[0-9a-z-]` (UUID-like).
pub fn record_id(value: &str) -> Result<(), Error> {
    if value.len() != 36 {
        return Err(Error::invalid_input(
            "record_id",
            format!(
                "must be exactly 36 characters of [0-9a-z-], got {} characters",
                value.chars().count()
            ),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_digit() || c.is_ascii_lowercase() || *c == '-'))
    {
        return Err(Error::invalid_input(
            "record_id",
            format!("must be 36 characters of [0-9a-z-], found {c:?}"),
        ));
    }
    Ok(())
}

/// A page size / limit: 1 … 100.
pub fn page_size(field: &'static str, value: u32) -> Result<(), Error> {
    if value == 0 || value > MAX_PAGE_SIZE {
        return Err(Error::invalid_input(
            field,
            format!("must be between 1 and {MAX_PAGE_SIZE}, got {value}"),
        ));
    }
    Ok(())
}

/// ShowListHistory query.
pub fn list_history(q: &ListHistoryQuery) -> Result<(), Error> {
    page_size("limit", q.limit)?;
    if q.interval > MAX_INTERVAL_DAYS {
        return Err(Error::invalid_input(
            "interval",
            format!(
                "must be at most {MAX_INTERVAL_DAYS} days, got {}",
                q.interval
            ),
        ));
    }
    Ok(())
}

/// ListProjectJobs query.
pub fn list_project_jobs(q: &ListProjectJobsQuery) -> Result<(), Error> {
    page_size("page_size", q.page_size)
}

/// RunJob / ExecuteJob body: job id, parameter names and values.
pub fn run_job(req: &RunJobRequest) -> Result<(), Error> {
    job_id(&req.job_id)?;
    for p in &req.parameter {
        if p.name.is_empty() {
            return Err(Error::invalid_input("parameter.name", "must not be empty"));
        }
        if p.name.chars().count() > MAX_PARAMETER_NAME_LEN {
            return Err(Error::invalid_input(
                "parameter.name",
                format!(
                    "{:?} is longer than {MAX_PARAMETER_NAME_LEN} characters",
                    truncate(&p.name)
                ),
            ));
        }
        if let Some(c) = p
            .name
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        {
            return Err(Error::invalid_input(
                "parameter.name",
                format!(
                    "{:?} may contain only letters, digits and '_', found {c:?}",
                    truncate(&p.name)
                ),
            ));
        }
        if FORBIDDEN_PARAMETER_NAMES.contains(&p.name.as_str()) {
            return Err(Error::invalid_input(
                "parameter.name",
                format!(
                    "{:?} is reserved by the build executor and refused by the service",
                    p.name
                ),
            ));
        }
        if p.value.chars().count() > MAX_PARAMETER_VALUE_LEN {
            return Err(Error::invalid_input(
                "parameter.value",
                format!(
                    "value of {:?} is longer than {MAX_PARAMETER_VALUE_LEN} characters",
                    p.name
                ),
            ));
        }
    }
    Ok(())
}

fn truncate(s: &str) -> String {
    s.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RunJobRequest;

    const JOB: &str = "f9d6c8466d614a9788e9a0acf6c15f46";

    fn field(e: Error) -> String {
        // The field name must appear in the message so users know what to fix.
        e.to_string()
    }

    #[test]
    fn job_ids() {
        assert!(job_id(JOB).is_ok());
        let e = field(job_id("job-abc123").unwrap_err());
        assert!(e.contains("job_id") && e.contains("32"), "{e}");
        let e = field(job_id("F9D6C8466D614A9788E9A0ACF6C15F46").unwrap_err());
        assert!(e.contains("'F'"), "{e}");
        assert!(job_id("").is_err());
        assert!(project_id(JOB).is_ok());
        assert!(
            project_id(&"a".repeat(33))
                .unwrap_err()
                .to_string()
                .contains("project_id")
        );
    }

    #[test]
    fn build_numbers() {
        assert!(build_no("build_no", 1).is_ok());
        assert!(build_no("build_no", i32::MAX as u32).is_ok());
        assert!(
            build_no("build_no", 0)
                .unwrap_err()
                .to_string()
                .contains("build_no")
        );
        assert!(build_no("build_no", i32::MAX as u32 + 1).is_err());
    }

    #[test]
    fn record_ids() {
        assert!(record_id("0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5f").is_ok());
        assert!(record_id("0a1b2c3d-0a1b-0a1b-0a1b-0a1b2c3d4e5").is_err());
        assert!(record_id("0A1B2C3D-0a1b-0a1b-0a1b-0a1b2c3d4e5f").is_err());
    }

    #[test]
    fn paging_limits() {
        assert!(list_history(&ListHistoryQuery::new(100, 30)).is_ok());
        assert!(
            list_history(&ListHistoryQuery::new(101, 30))
                .unwrap_err()
                .to_string()
                .contains("limit")
        );
        assert!(
            list_history(&ListHistoryQuery::new(10, 31))
                .unwrap_err()
                .to_string()
                .contains("interval")
        );
        assert!(list_history(&ListHistoryQuery::new(0, 1)).is_err());
        assert!(list_project_jobs(&ListProjectJobsQuery::new(0, 100)).is_ok());
        assert!(
            list_project_jobs(&ListProjectJobsQuery::new(0, 101))
                .unwrap_err()
                .to_string()
                .contains("page_size")
        );
    }

    #[test]
    fn parameters() {
        assert!(run_job(&RunJobRequest::new(JOB).parameter("branch", "master")).is_ok());
        assert!(
            run_job(&RunJobRequest::new(JOB).parameter("PATH", "/x"))
                .unwrap_err()
                .to_string()
                .contains("reserved")
        );
        assert!(run_job(&RunJobRequest::new(JOB).parameter("path", "/x")).is_err());
        assert!(
            run_job(&RunJobRequest::new(JOB).parameter("a-b", "x"))
                .unwrap_err()
                .to_string()
                .contains("'-'")
        );
        assert!(run_job(&RunJobRequest::new(JOB).parameter("a".repeat(128), "x")).is_ok());
        assert!(run_job(&RunJobRequest::new(JOB).parameter("a".repeat(129), "x")).is_err());
        assert!(run_job(&RunJobRequest::new(JOB).parameter("v", "x".repeat(8192))).is_ok());
        assert!(
            run_job(&RunJobRequest::new(JOB).parameter("v", "x".repeat(8193)))
                .unwrap_err()
                .to_string()
                .contains("parameter.value")
        );
        assert!(run_job(&RunJobRequest::new(JOB).parameter("", "x")).is_err());
        assert!(
            run_job(&RunJobRequest::new("short"))
                .unwrap_err()
                .to_string()
                .contains("job_id")
        );
    }
}
