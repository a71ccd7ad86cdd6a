//! One HTTP layer for every Huawei Cloud service: endpoints, signing, retries and typed errors.
