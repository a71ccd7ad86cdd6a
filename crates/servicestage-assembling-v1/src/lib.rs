//! Huawei Cloud ServiceStage assembling v1 client.
