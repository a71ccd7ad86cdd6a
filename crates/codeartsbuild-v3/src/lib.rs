//! Huawei Cloud CodeArts Build v3 client.
