//! A local Huawei Cloud for tests, demos and CI.
