//! Input checks done before anything is sent; errors name the field and the rule.

use hwcloud_transport::Error;

use crate::model::JobSpec;

/// Longest job description.
pub const MAX_DESCRIPTION_LEN: usize = 64;

/// A path id (job or build id): non-empty, no whitespace or `/` (which would address another resource).
pub fn id(field: &'static str, value: &str) -> Result<(), Error> {
    if value.is_empty() {
        return Err(Error::invalid_input(field, "must not be empty"));
    }
    if let Some(c) = value
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || *c == '/')
    {
        return Err(Error::invalid_input(
            field,
            format!("must not contain {c:?}"),
        ));
    }
    Ok(())
}

/// `job_name`: 2–64 letters, digits, `-`, `_`; starts with a letter; ends with a letter or digit.
pub fn job_name(field: &'static str, value: &str) -> Result<(), Error> {
    let len = value.chars().count();
    if !(2..=64).contains(&len) {
        return Err(Error::invalid_input(
            field,
            format!("must be 2 to 64 characters, got {len}"),
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_'))
    {
        return Err(Error::invalid_input(
            field,
            format!("may contain only letters, digits, '-' and '_', found {c:?}"),
        ));
    }
    if !value.starts_with(|c: char| c.is_ascii_alphabetic()) {
        return Err(Error::invalid_input(field, "must start with a letter"));
    }
    if !value.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(Error::invalid_input(
            field,
            "must end with a letter or digit",
        ));
    }
    Ok(())
}

/// Create/update body: name, description length, required repository fields.
pub fn job_spec(spec: &JobSpec) -> Result<(), Error> {
    job_name("job_name", &spec.job_name)?;
    if let Some(d) = &spec.job_description {
        let len = d.chars().count();
        if len > MAX_DESCRIPTION_LEN {
            return Err(Error::invalid_input(
                "job_description",
                format!("must be at most {MAX_DESCRIPTION_LEN} characters, got {len}"),
            ));
        }
    }
    if let Some(repo) = &spec.code_repo {
        for (field, value) in [
            ("code_repo.type", &repo.repo_type),
            ("code_repo.url", &repo.url),
            ("code_repo.branch", &repo.branch),
            ("code_repo.namespace", &repo.namespace),
        ] {
            if value.trim().is_empty() {
                return Err(Error::invalid_input(
                    field,
                    "is required by the service and must not be empty",
                ));
            }
        }
    }
    Ok(())
}

/// Page index/size: at least 1.
pub fn positive(field: &'static str, value: u32) -> Result<(), Error> {
    if value == 0 {
        return Err(Error::invalid_input(field, "must be at least 1"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Arch, CodeRepo, EnvironmentSetting};

    #[test]
    fn ids() {
        assert!(id("build_id", "kzqjkrvbglqbczhm82kkjlh0ixe2o2wv8v85fpmv").is_ok());
        assert!(
            id("build_id", "")
                .unwrap_err()
                .to_string()
                .contains("build_id")
        );
        assert!(id("job_id", "a/b").is_err());
        assert!(id("job_id", "a b").is_err());
    }

    #[test]
    fn job_names() {
        for ok in ["ab", "a1", "my-job_2", &format!("a{}", "b".repeat(63))] {
            assert!(job_name("job_name", ok).is_ok(), "{ok}");
        }
        for (bad, why) in [
            ("a", "2 to 64"),
            ("1abc", "start with a letter"),
            ("abc-", "end with a letter or digit"),
            ("ab c", "' '"),
            ("ab.c", "'.'"),
        ] {
            let e = job_name("job_name", bad).unwrap_err().to_string();
            assert!(e.contains("job_name") && e.contains(why), "{bad}: {e}");
        }
        assert!(job_name("job_name", &format!("a{}", "b".repeat(64))).is_err());
    }

    #[test]
    fn specs() {
        let spec = JobSpec::new("demo-job", EnvironmentSetting::public_cluster(Arch::X86_64));
        assert!(job_spec(&spec).is_ok());
        assert!(job_spec(&spec.clone().description("d".repeat(64))).is_ok());
        let e = job_spec(&spec.clone().description("d".repeat(65)))
            .unwrap_err()
            .to_string();
        assert!(e.contains("job_description"), "{e}");
        let e = job_spec(&spec.code_repo(CodeRepo::new("GitLab", "https://x", "", "ns")))
            .unwrap_err()
            .to_string();
        assert!(e.contains("code_repo.branch"), "{e}");
    }
}
