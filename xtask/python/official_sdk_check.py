#!/usr/bin/env python3
"""Calls hwcloud-emulator with Huawei's official Python SDK (huaweicloudsdkcodeartsbuild).

usage: official_sdk_check.py BASE_URL AK SK PROJECT_ID JOB_ID

Starts two builds (RunJob), stops them with StopJob and StopBuildJob, reads ShowJobStatus, all signed
by the official SDK with the emulator's AK/SK; then checks that a wrong SK gets 401 APIGW.0301 as a
ClientRequestException. Exits non-zero on the first mismatch.
"""

import sys

from huaweicloudsdkcore.auth.credentials import BasicCredentials
from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
from huaweicloudsdkcodeartsbuild.v3 import (
    CodeArtsBuildClient,
    RunJobRequest,
    RunJobRequestBody,
    ShowJobStatusRequest,
    StopBuildJobRequest,
    StopJobRequest,
    StopJobRequestBody,
)


def client(base_url, ak, sk, project_id):
    return (
        CodeArtsBuildClient.new_builder()
        .with_credentials(BasicCredentials(ak, sk, project_id))
        .with_endpoints([base_url])
        .build()
    )


def check(label, condition, detail):
    print(f"{'ok  ' if condition else 'FAIL'} {label}: {detail}")
    if not condition:
        sys.exit(1)


def main(argv):
    if len(argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    base_url, ak, sk, project_id, job_id = argv[1:]
    good = client(base_url, ak, sk, project_id)

    first = good.run_job(RunJobRequest(body=RunJobRequestBody(job_id=job_id)))
    second = good.run_job(RunJobRequest(body=RunJobRequestBody(job_id=job_id)))
    check("RunJob", first.actual_build_number is not None and second.actual_build_number is not None,
          f"builds {first.actual_build_number} and {second.actual_build_number}")

    status = good.show_job_status(ShowJobStatusRequest(job_id=job_id))
    check("ShowJobStatus while running", status.result is True, f"result={status.result}")

    stop = good.stop_job(StopJobRequest(body=StopJobRequestBody(job_id=job_id, build_no=first.actual_build_number)))
    check("StopJob", stop.result is True, f"result={stop.result}")

    stop_build = good.stop_build_job(StopBuildJobRequest(job_id=job_id, build_no=int(second.actual_build_number)))
    check("StopBuildJob", stop_build.success is True, f"success={stop_build.success} result={stop_build.result!r}")

    status = good.show_job_status(ShowJobStatusRequest(job_id=job_id))
    check("ShowJobStatus after stopping", status.result is False, f"result={status.result}")

    bad = client(base_url, ak, sk + "-wrong", project_id)
    try:
        bad.show_job_status(ShowJobStatusRequest(job_id=job_id))
    except ClientRequestException as e:
        check("wrong SK rejected", e.status_code == 401 and e.error_code == "APIGW.0301",
              f"status={e.status_code} error_code={e.error_code} request_id={e.request_id}")
        check("wrong SK message", str(e.error_msg).startswith("Incorrect IAM authentication information: verify aksk signature fail"),
              str(e.error_msg).splitlines()[0])
    else:
        check("wrong SK rejected", False, "the call succeeded")
    print("official SDK check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
