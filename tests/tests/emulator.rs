//! The emulator over real HTTP: every route, the gateway's auth verdicts, build state machines,
//! fault injection and the journal. Requests are signed with `hwcloud_auth::Signer`.

use std::time::{Duration, Instant, SystemTime};

use hwcloud_auth::{AccessKeyCredentials, SecretString, Signer, SigningAlgorithm};
use hwcloud_emulator::{
    Emulator, EmulatorConfig, Fault, FaultPlan, FaultRule, RouteMatch, TokenScope, Verdict, demo,
};
use serde_json::{Value, json};

const STEP: Duration = Duration::from_millis(150);
/// A build step no test waits for: those tests move builds with `Emulator::advance_builds`.
const HOUR: Duration = Duration::from_secs(3600);

fn demo_creds() -> AccessKeyCredentials {
    AccessKeyCredentials::new(demo::ACCESS_KEY, demo::SECRET_KEY)
}

async fn start() -> Emulator {
    start_with(EmulatorConfig {
        build_step: STEP,
        ..EmulatorConfig::default()
    })
    .await
}

async fn start_with(config: EmulatorConfig) -> Emulator {
    Emulator::start(config).await.expect("emulator starts")
}

/// One client for the whole file (building one per request costs ~30 ms); no pooled connections,
/// because each test has its own runtime and a pooled connection would outlive it.
fn client() -> &'static reqwest::Client {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    CLIENT.get_or_init(|| {
        reqwest::Client::builder()
            .pool_max_idle_per_host(0)
            .no_proxy()
            .build()
            .expect("client builds")
    })
}

/// A response read completely.
#[derive(Debug)]
struct Got {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Got {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// How a request authenticates.
enum Auth<'a> {
    None,
    Sign(&'a AccessKeyCredentials, SigningAlgorithm),
    SignAt(&'a AccessKeyCredentials, SystemTime),
    Token(&'a str),
}

struct Req<'a> {
    method: &'a str,
    path: String,
    body: Vec<u8>,
    auth: Auth<'a>,
    headers: Vec<(&'a str, String)>,
    project: bool,
}

fn req<'a>(method: &'a str, path: impl Into<String>) -> Req<'a> {
    Req {
        method,
        path: path.into(),
        body: Vec::new(),
        auth: Auth::None,
        headers: Vec::new(),
        project: true,
    }
}

impl<'a> Req<'a> {
    fn json(mut self, v: Value) -> Self {
        self.body = v.to_string().into_bytes();
        self
    }
    fn raw(mut self, b: &[u8]) -> Self {
        self.body = b.to_vec();
        self
    }
    fn signed(mut self, c: &'a AccessKeyCredentials) -> Self {
        self.auth = Auth::Sign(c, SigningAlgorithm::HmacSha256);
        self
    }
    fn alg(mut self, c: &'a AccessKeyCredentials, alg: SigningAlgorithm) -> Self {
        self.auth = Auth::Sign(c, alg);
        self
    }
    fn at(mut self, c: &'a AccessKeyCredentials, t: SystemTime) -> Self {
        self.auth = Auth::SignAt(c, t);
        self
    }
    fn token(mut self, t: &'a str) -> Self {
        self.auth = Auth::Token(t);
        self
    }
    fn header(mut self, k: &'a str, v: impl Into<String>) -> Self {
        self.headers.push((k, v.into()));
        self
    }
    fn no_project(mut self) -> Self {
        self.project = false;
        self
    }

    fn build(self, em: &Emulator) -> reqwest::Request {
        let url = format!("{}{}", em.base_url(), self.path);
        let mut b = http::Request::builder()
            .method(self.method)
            .uri(&url)
            .header("content-type", "application/json");
        if self.project && !matches!(self.auth, Auth::Token(_) | Auth::None) {
            b = b.header("x-project-id", demo::PROJECT_ID);
        }
        for (k, v) in &self.headers {
            b = b.header(*k, v);
        }
        let mut r = b.body(self.body).expect("valid request");
        match self.auth {
            Auth::None => {}
            Auth::Sign(c, alg) => {
                Signer::new(alg).sign(&mut r, c).expect("signs");
            }
            Auth::SignAt(c, t) => {
                Signer::default().sign_at(&mut r, c, t).expect("signs");
            }
            Auth::Token(t) => {
                r.headers_mut()
                    .insert("x-auth-token", t.parse().expect("token header"));
            }
        }
        reqwest::Request::try_from(r).expect("reqwest request")
    }

    async fn send(self, em: &Emulator) -> Got {
        self.try_send(em).await.expect("request completes")
    }

    async fn try_send(self, em: &Emulator) -> Result<Got, reqwest::Error> {
        let r = client().execute(self.build(em)).await?;
        let status = r.status().as_u16();
        let headers = r.headers().clone();
        let body = r.bytes().await?.to_vec();
        // The gateway adds these to every response, errors and faults included.
        assert!(
            headers.get("x-request-id").is_some_and(|v| v.len() == 32),
            "no X-Request-Id"
        );
        assert!(headers.get("date").is_some(), "no Date");
        Ok(Got {
            status,
            headers,
            body,
        })
    }
}

fn password_body(scope: Value) -> Value {
    json!({"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "domain": {"name": demo::DOMAIN_NAME}, "name": demo::USER_NAME, "password": demo::PASSWORD}}},
        "scope": scope}})
}

async fn project_token(em: &Emulator) -> String {
    let got = req("POST", "/v3/auth/tokens?nocatalog=true")
        .json(password_body(json!({"project": {"name": demo::REGION}})))
        .send(em)
        .await;
    assert_eq!(got.status, 201, "{}", String::from_utf8_lossy(&got.body));
    got.header("x-subject-token").expect("token").to_owned()
}

fn assert_apigw_0301(got: &Got, needle: &str) {
    assert_eq!(got.status, 401, "{}", String::from_utf8_lossy(&got.body));
    let v = got.json();
    assert_eq!(v["error_code"], "APIGW.0301");
    let msg = v["error_msg"].as_str().expect("message");
    assert!(
        msg.starts_with("Incorrect IAM authentication information: ") && msg.contains(needle),
        "{msg}"
    );
    assert_eq!(v["request_id"].as_str(), got.header("x-request-id"));
}

async fn run_build(em: &Emulator, c: &AccessKeyCredentials) -> String {
    let got = req("POST", "/v3/jobs/build")
        .json(json!({"job_id": demo::CODEARTSBUILD_JOB_ID}))
        .signed(c)
        .send(em)
        .await;
    assert_eq!(got.status, 200, "{}", String::from_utf8_lossy(&got.body));
    got.json()["actual_build_number"]
        .as_str()
        .expect("string build number")
        .to_owned()
}

async fn wait_until<F: Fn(&Value) -> bool>(em: &Emulator, path: &str, pred: F) -> Value {
    let c = demo_creds();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let v = req("GET", path).signed(&c).send(em).await.json();
        if pred(&v) {
            return v;
        }
        assert!(Instant::now() < deadline, "condition never met; last {v}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`).
fn parse_http_date(s: &str) -> SystemTime {
    let parts: Vec<&str> = s.split([' ', ':']).collect();
    assert_eq!(parts.len(), 8, "{s}");
    let num = |i: usize| parts[i].parse::<i64>().unwrap_or_else(|_| panic!("{s}"));
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = months.iter().position(|m| *m == parts[2]).expect("month") as i64 + 1;
    let days = hwcloud_auth::civil::days_from_civil(num(3), month, num(1));
    let secs = days * 86_400 + num(4) * 3600 + num(5) * 60 + num(6);
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs as u64)
}

// ---------------------------------------------------------------- IAM

#[tokio::test]
async fn iam_password_token_project_and_domain_scope() {
    let em = start().await;
    let got = req("POST", "/v3/auth/tokens")
        .json(password_body(json!({"project": {"name": demo::REGION}})))
        .send(&em)
        .await;
    assert_eq!(got.status, 201);
    assert!(got.header("x-subject-token").is_some_and(|t| t.len() > 20));
    let t = &got.json()["token"];
    assert_eq!(t["project"]["id"], demo::PROJECT_ID);
    assert_eq!(t["project"]["name"], demo::REGION);
    assert_eq!(t["user"]["name"], demo::USER_NAME);
    assert_eq!(t["user"]["id"], demo::USER_ID);
    assert_eq!(t["methods"], json!(["password"]));
    let exp = t["expires_at"].as_str().expect("expires_at");
    // %Y-%m-%dT%H:%M:%S.%fZ
    assert_eq!(exp.len(), 27, "{exp}");
    assert_eq!(
        (&exp[4..5], &exp[10..11], &exp[19..20], &exp[26..]),
        ("-", "T", ".", "Z")
    );
    assert!(t["catalog"].as_array().is_some_and(|c| !c.is_empty()));

    let by_id = req("POST", "/v3/auth/tokens?nocatalog=1")
        .json(password_body(json!({"project": {"id": demo::PROJECT_ID}})))
        .send(&em)
        .await;
    assert_eq!(by_id.status, 201);
    assert!(by_id.json()["token"].get("catalog").is_none());

    let domain = req("POST", "/v3/auth/tokens")
        .json(password_body(
            json!({"domain": {"name": demo::DOMAIN_NAME}}),
        ))
        .send(&em)
        .await;
    assert_eq!(domain.status, 201);
    assert_eq!(domain.json()["token"]["domain"]["id"], demo::DOMAIN_ID);
    assert!(domain.json()["token"].get("project").is_none());

    let mut wrong = password_body(json!({"project": {"name": demo::REGION}}));
    wrong["auth"]["identity"]["password"]["user"]["password"] = json!("nope");
    let got = req("POST", "/v3/auth/tokens").json(wrong).send(&em).await;
    assert_eq!(got.status, 401);
    assert!(got.header("x-iam-trace-id").is_some());
    let v = got.json();
    assert_eq!(v["error"]["code"], 401);
    assert_eq!(v["error"]["title"], "Unauthorized");
    assert!(v["error"]["message"].is_string());

    let got = req("POST", "/v3/auth/tokens")
        .raw(b"{not json")
        .send(&em)
        .await;
    assert_eq!(got.status, 400);
    assert_eq!(got.json()["error"]["code"], 400);
    let unknown_project = req("POST", "/v3/auth/tokens")
        .json(password_body(json!({"project": {"name": "xx-nowhere-1"}})))
        .send(&em)
        .await;
    assert_eq!(unknown_project.status, 401);

    // The journal never shows the password.
    let j = em.journal();
    assert!(j.iter().all(|e| !e.body.contains(demo::PASSWORD)));
    assert_eq!(j[0].operation.as_deref(), Some("KeystoneCreateToken"));
    assert_eq!(j[0].principal.as_deref(), Some(demo::USER_NAME));
}

#[tokio::test]
async fn iam_totp_assume_role_and_token_exchange() {
    let em = start().await;
    let mut body = password_body(json!({"project": {"name": demo::REGION}}));
    body["auth"]["identity"]["methods"] = json!(["password", "totp"]);
    body["auth"]["identity"]["totp"] =
        json!({"user": {"id": demo::USER_ID, "passcode": demo::TOTP_PASSCODE}});
    let got = req("POST", "/v3/auth/tokens")
        .json(body.clone())
        .send(&em)
        .await;
    assert_eq!(got.status, 201);
    body["auth"]["identity"]["totp"]["user"]["passcode"] = json!("000000");
    assert_eq!(
        req("POST", "/v3/auth/tokens")
            .json(body)
            .send(&em)
            .await
            .status,
        401
    );

    let token = project_token(&em).await;
    let assume = json!({"auth": {"identity": {"methods": ["assume_role"],
        "assume_role": {"domain_name": demo::DOMAIN_NAME, "agency_name": demo::AGENCY_NAME}},
        "scope": {"project": {"id": demo::PROJECT_ID}}}});
    let got = req("POST", "/v3/auth/tokens")
        .json(assume.clone())
        .token(&token)
        .send(&em)
        .await;
    assert_eq!(got.status, 201);
    let t = got.json();
    assert_eq!(
        t["token"]["user"]["name"],
        format!("{}/{}", demo::DOMAIN_NAME, demo::AGENCY_NAME)
    );
    assert_eq!(t["token"]["assumed_by"]["user"]["name"], demo::USER_NAME);
    // The agency token works on CodeArts Build.
    let agency_token = got.header("x-subject-token").expect("token").to_owned();
    let status = req(
        "GET",
        format!("/v3/jobs/{}/status", demo::CODEARTSBUILD_JOB_ID),
    )
    .token(&agency_token)
    .send(&em)
    .await;
    assert_eq!(status.status, 200);
    // Without a caller token assume_role is refused.
    assert_eq!(
        req("POST", "/v3/auth/tokens")
            .json(assume)
            .send(&em)
            .await
            .status,
        401
    );

    let exchange = json!({"auth": {"identity": {"methods": ["token"], "token": {"id": token}},
        "scope": {"domain": {"id": demo::DOMAIN_ID}}}});
    let got = req("POST", "/v3/auth/tokens")
        .json(exchange)
        .send(&em)
        .await;
    assert_eq!(got.status, 201);
    assert_eq!(got.json()["token"]["domain"]["name"], demo::DOMAIN_NAME);
}

#[tokio::test]
async fn iam_project_discovery_is_signed() {
    let em = start().await;
    let c = demo_creds();
    let got = req("GET", format!("/v3/projects?name={}", demo::REGION))
        .signed(&c)
        .no_project()
        .send(&em)
        .await;
    assert_eq!(got.status, 200);
    assert!(got.header("x-iam-trace-id").is_some());
    let v = got.json();
    assert_eq!(v["projects"].as_array().map(Vec::len), Some(1));
    assert_eq!(v["projects"][0]["id"], demo::PROJECT_ID);
    assert!(v["links"]["self"].is_string());
    let other = req("GET", "/v3/projects?name=ap-southeast-3")
        .signed(&c)
        .no_project()
        .send(&em)
        .await;
    assert_eq!(other.json()["projects"], json!([]));
    let unsigned = req("GET", "/v3/projects?name=cn-north-4").send(&em).await;
    assert_apigw_0301(&unsigned, "x-auth-token not found");
}

#[tokio::test]
async fn temporary_credentials_need_their_security_token() {
    let em = start().await;
    let token = project_token(&em).await;
    let got = req("POST", "/v3.0/OS-CREDENTIAL/securitytokens")
        .json(json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 900}}}}))
        .token(&token)
        .send(&em)
        .await;
    assert_eq!(got.status, 201, "{}", String::from_utf8_lossy(&got.body));
    let cred = &got.json()["credential"];
    let ak = cred["access"].as_str().expect("access");
    let sk = cred["secret"].as_str().expect("secret");
    let st = cred["securitytoken"].as_str().expect("securitytoken");
    assert_eq!(cred["expires_at"].as_str().map(str::len), Some(27));
    let path = format!("/v3/jobs/{}/status", demo::CODEARTSBUILD_JOB_ID);

    let temp = AccessKeyCredentials::new(ak, sk).with_security_token(st);
    assert_eq!(
        req("GET", path.clone())
            .signed(&temp)
            .send(&em)
            .await
            .status,
        200
    );
    let bare = AccessKeyCredentials::new(ak, sk);
    assert_apigw_0301(
        &req("GET", path.clone()).signed(&bare).send(&em).await,
        "X-Security-Token",
    );
    let wrong = AccessKeyCredentials::new(ak, sk).with_security_token("not-the-token");
    assert_apigw_0301(
        &req("GET", path.clone()).signed(&wrong).send(&em).await,
        "X-Security-Token",
    );

    // By AK/SK signature too; out-of-range duration is a 400.
    let c = demo_creds();
    let by_aksk = req("POST", "/v3.0/OS-CREDENTIAL/securitytokens")
        .json(json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 3600}}}}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(by_aksk.status, 201);
    let bad = req("POST", "/v3.0/OS-CREDENTIAL/securitytokens")
        .json(json!({"auth": {"identity": {"methods": ["token"], "token": {"duration_seconds": 10}}}}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(bad.status, 400);

    // Library-issued temporary credentials work, and expire with expire_tokens().
    let lib = em.issue_temporary_credentials(Duration::from_secs(900));
    assert_eq!(
        req("GET", path.clone()).signed(&lib).send(&em).await.status,
        200
    );
    em.expire_tokens();
    assert_apigw_0301(
        &req("GET", path).signed(&lib).send(&em).await,
        "token expires, expires_at: ",
    );
}

// ---------------------------------------------------------------- gateway auth

#[tokio::test]
async fn every_signing_algorithm_is_accepted() {
    let em = start().await;
    let c = demo_creds();
    let path = format!("/v3/jobs/{}/status", demo::CODEARTSBUILD_JOB_ID);
    let algs = [
        SigningAlgorithm::HmacSha256,
        SigningAlgorithm::HmacSm3,
        SigningAlgorithm::V11HmacSha256 {
            region: demo::REGION.into(),
            service: "CodeArtsBuild".into(),
        },
        SigningAlgorithm::EcdsaP256Sha256,
        SigningAlgorithm::Sm2Sm3,
    ];
    for alg in algs {
        let name = format!("{alg:?}");
        let got = req("GET", path.clone()).alg(&c, alg).send(&em).await;
        assert_eq!(
            got.status,
            200,
            "{name}: {}",
            String::from_utf8_lossy(&got.body)
        );
        assert_eq!(got.json(), json!({"result": false}), "{name}");
    }
    let j = em.journal();
    assert_eq!(j.len(), 5);
    assert!(j.iter().all(|e| e.verdict == Verdict::Accepted
        && e.principal.as_deref() == Some(demo::ACCESS_KEY)
        && e.operation.as_deref() == Some("ShowJobStatus")));
}

#[tokio::test]
async fn bad_signatures_are_rejected_with_apigw_0301() {
    let em = start().await;
    let path = format!("/v3/jobs/{}/status", demo::CODEARTSBUILD_JOB_ID);
    let wrong_sk = AccessKeyCredentials::new(demo::ACCESS_KEY, "wrong-secret-key");
    let got = req("GET", path.clone()).signed(&wrong_sk).send(&em).await;
    assert_apigw_0301(&got, "verify aksk signature fail");
    // The canonical request is echoed for comparison.
    assert!(
        got.json()["error_msg"]
            .as_str()
            .is_some_and(|m| m.contains(&path))
    );

    let unknown = AccessKeyCredentials::new("UNKNOWNAK00000000000", "x");
    assert_apigw_0301(
        &req("GET", path.clone()).signed(&unknown).send(&em).await,
        "Get secretKey failed,ak:UNKNOWNAK00000000000,err:ak not exist",
    );

    // Tampered body: sign one body, send another.
    let c = demo_creds();
    let mut r = http::Request::post(format!("{}/v3/jobs/build", em.base_url()))
        .header("content-type", "application/json")
        .header("x-project-id", demo::PROJECT_ID)
        .body(
            json!({"job_id": demo::CODEARTSBUILD_JOB_ID})
                .to_string()
                .into_bytes(),
        )
        .expect("request");
    Signer::default().sign(&mut r, &c).expect("signs");
    let (parts, _) = r.into_parts();
    let tampered = http::Request::from_parts(
        parts,
        br#"{"job_id":"someone-elses-job-000000000000000"}"#.to_vec(),
    );
    let resp = client()
        .execute(reqwest::Request::try_from(tampered).expect("request"))
        .await
        .expect("sent");
    assert_eq!(resp.status(), 401);
    assert_eq!(
        em.codeartsbuild_build_count(demo::CODEARTSBUILD_JOB_ID),
        Some(0)
    );

    // Skewed signing time (20 minutes ago).
    let old = SystemTime::now() - Duration::from_secs(20 * 60);
    let got = req("GET", path.clone()).at(&c, old).send(&em).await;
    assert_apigw_0301(&got, "calc aksk signature fail: signature expired");

    // Missing X-Sdk-Date: strip it after signing.
    let mut r = http::Request::get(format!("{}{path}", em.base_url()))
        .body(Vec::new())
        .expect("request");
    Signer::default().sign(&mut r, &c).expect("signs");
    r.headers_mut().remove("x-sdk-date");
    let resp = client()
        .execute(reqwest::Request::try_from(r).expect("request"))
        .await
        .expect("sent");
    assert_eq!(resp.status(), 401);
    // An X-Sdk-Date that is not YYYYMMDDTHHMMSSZ.
    let mut r = http::Request::get(format!("{}{path}", em.base_url()))
        .body(Vec::new())
        .expect("request");
    Signer::default().sign(&mut r, &c).expect("signs");
    r.headers_mut().insert(
        "x-sdk-date",
        http::HeaderValue::from_static("2026-11-22 10:00"),
    );
    let resp = client()
        .execute(reqwest::Request::try_from(r).expect("request"))
        .await
        .expect("sent");
    assert_eq!(resp.status(), 401);
    let body: Value = serde_json::from_slice(&resp.bytes().await.expect("body")).expect("JSON");
    assert_eq!(body["error_code"], "APIGW.0301");

    // X-Project-Id of another project.
    let got = req("GET", path.clone())
        .no_project()
        .header("x-project-id", "ffffffffffffffffffffffffffffffff")
        .signed(&c)
        .send(&em)
        .await;
    assert_apigw_0301(&got, "X-Project-Id");

    // Neither signature nor token, and an unknown token.
    assert_apigw_0301(
        &req("GET", path.clone()).send(&em).await,
        "x-auth-token not found",
    );
    assert_apigw_0301(
        &req("GET", path).token("MIInot-a-token").send(&em).await,
        "decrypt token fail",
    );

    let rejected = em
        .journal()
        .iter()
        .filter(|e| matches!(&e.verdict, Verdict::Rejected { code } if code == "APIGW.0301"))
        .count();
    assert_eq!(rejected, 9);
}

#[tokio::test]
async fn tokens_expire_and_domain_scope_is_refused() {
    let em = start().await;
    let path = format!("/v3/jobs/{}/status", demo::CODEARTSBUILD_JOB_ID);
    let token = project_token(&em).await;
    assert_eq!(
        req("GET", path.clone())
            .token(&token)
            .send(&em)
            .await
            .status,
        200
    );
    let ss = req("GET", "/assembling/v1/jobs?page=1&per_page=10")
        .token(&token)
        .send(&em)
        .await;
    assert_eq!(ss.status, 200);

    let domain = em.issue_token(TokenScope::Domain);
    let got = req("GET", path.clone())
        .token(domain.expose())
        .send(&em)
        .await;
    assert_apigw_0301(&got, "domain-scoped");
    let got = req("GET", "/assembling/v1/jobs?page=1&per_page=10")
        .token(domain.expose())
        .send(&em)
        .await;
    assert_apigw_0301(&got, "domain-scoped");
    // ... but IAM's own APIs take it.
    let got = req("GET", "/v3/projects")
        .token(domain.expose())
        .send(&em)
        .await;
    assert_eq!(got.status, 200);

    em.expire_tokens();
    assert_apigw_0301(
        &req("GET", path.clone()).token(&token).send(&em).await,
        "token expires, expires_at: ",
    );
    // A fresh token works again.
    let fresh: SecretString = em.issue_token(TokenScope::Project);
    assert_eq!(
        req("GET", path)
            .token(fresh.expose())
            .send(&em)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn clock_offset_moves_date_header_and_skew_window() {
    let em = start().await;
    let c = demo_creds();
    let path = format!("/v3/jobs/{}/status", demo::CODEARTSBUILD_JOB_ID);
    em.set_clock_offset(3600);
    let got = req("GET", path.clone()).signed(&c).send(&em).await;
    assert_apigw_0301(&got, "signature expired");
    let date = parse_http_date(got.header("date").expect("Date"));
    let ahead = date
        .duration_since(SystemTime::now())
        .expect("server clock is ahead");
    assert!(
        ahead > Duration::from_secs(3500) && ahead < Duration::from_secs(3700),
        "{ahead:?}"
    );
    // Signing with the server's time (what the SDK's skew correction does) is accepted.
    let got = req("GET", path).at(&c, date).send(&em).await;
    assert_eq!(got.status, 200);
}

// ---------------------------------------------------------------- CodeArts Build

#[tokio::test]
async fn codeartsbuild_build_runs_through_its_states() {
    // Build time only moves when the test advances it (the step is an hour of real time).
    let em = start_with(EmulatorConfig {
        build_step: HOUR,
        ..EmulatorConfig::default()
    })
    .await;
    let c = demo_creds();
    let job = demo::CODEARTSBUILD_JOB_ID;
    let got = req("POST", "/v3/jobs/build")
        .json(json!({"job_id": job, "parameter": [{"name": "branch", "value": "master"}, {"name": "db_password", "value": "s3cret"}]}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.status, 200);
    let v = got.json();
    assert_eq!(v["actual_build_number"], "1");
    assert!(
        v["octopus_job_name"]
            .as_str()
            .is_some_and(|s| s.starts_with("j_"))
    );
    assert!(
        v["daily_build_number"]
            .as_str()
            .is_some_and(|s| s.ends_with(".1") && s.len() == 10)
    );
    assert!(
        got.header("content-type")
            .is_some_and(|t| t.starts_with("application/json"))
    );

    // Right after the start: queued, which counts as running.
    let queued = req("GET", format!("/v1/job/{job}/status?build_no=1"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(queued["result"]["status"], "queued");
    let rs = req("GET", format!("/v1/job/{job}/running-status"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(rs["status"], "success");
    assert_eq!(rs["error"], Value::Null);
    assert_eq!(rs["result"]["last_build_no"], "1");
    assert_eq!(rs["result"]["last_job_id"], job);
    assert_eq!(rs["result"]["is_running"], true);
    assert_eq!(
        req("GET", format!("/v3/jobs/{job}/status"))
            .signed(&c)
            .send(&em)
            .await
            .json(),
        json!({"result": true})
    );

    assert_eq!(rs["result"]["last_build_status"], "InQueue");

    em.advance_builds(HOUR);
    let running = req("GET", format!("/v1/job/{job}/status?build_no=1"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(running["result"]["status"], "running");
    assert_eq!(running["result"]["abort_status"], "");
    let log1 = req("GET", format!("/v3/jobs/{job}/1/real-time-log?offset=0"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(log1["result"]["has_more_data"], true);
    let first_len = log1["result"]["offset"].as_u64().expect("offset");
    assert_eq!(log1["result"]["current_offset"], 0);

    // Half-way through the running steps the log has grown and is still open.
    em.advance_builds(HOUR);
    let log2 = req(
        "GET",
        format!("/v3/jobs/{job}/1/real-time-log?offset={first_len}"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert_eq!(log2["result"]["has_more_data"], true);
    assert_eq!(log2["result"]["current_offset"].as_u64(), Some(first_len));
    assert!(
        log2["result"]["offset"].as_u64() > Some(first_len),
        "{log2}"
    );

    em.advance_builds(HOUR);
    let done = req("GET", format!("/v1/job/{job}/running-status"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(done["result"]["is_running"], false);
    assert_eq!(done["result"]["last_build_status"], "Finished");
    assert_eq!(
        req("GET", format!("/v3/jobs/{job}/status"))
            .signed(&c)
            .send(&em)
            .await
            .json(),
        json!({"result": false})
    );
    let step = req("GET", format!("/v1/job/{job}/status"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(step["result"]["status"], "success");

    // The log grew; reading from the previous offset continues it; a length limits the chunk.
    let full = req("GET", format!("/v3/jobs/{job}/1/real-time-log?offset=0"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    let text = full["result"]["content"]
        .as_str()
        .expect("content")
        .to_owned();
    assert!(
        text.len() as u64 > first_len && text.ends_with("BUILD SUCCESS\n"),
        "{text}"
    );
    assert_eq!(full["result"]["has_more_data"], false);
    let rest = req(
        "GET",
        format!("/v3/jobs/{job}/1/real-time-log?offset={first_len}&length=10"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert_eq!(
        rest["result"]["content"].as_str(),
        Some(&text[first_len as usize..first_len as usize + 10])
    );
    assert_eq!(rest["result"]["offset"].as_u64(), Some(first_len + 10));
    assert_eq!(rest["result"]["has_more_data"], true);

    let hd = req("GET", format!("/v3/jobs/{job}/1/history-details"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(hd["build_number"], 1);
    assert_eq!(hd["job_name"], demo::CODEARTSBUILD_JOB_NAME);
    assert_eq!(hd["parameters"]["branch"], "master");
    assert_eq!(hd["parameters"]["db_password"], "*");
    assert!(hd["build_steps"].as_array().is_some_and(|s| {
        s.iter()
            .all(|s| s["status"] == "success" && s["build_time"].is_u64())
    }));

    let h = req(
        "GET",
        format!("/v3/jobs/{job}/history?offset=0&limit=10&interval=7"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert_eq!(h["total"], 1);
    let record_id = h["history_records"][0]["record_id"]
        .as_str()
        .expect("record id")
        .to_owned();
    assert_eq!(record_id.len(), 36);
    assert_eq!(h["history_records"][0]["build_number"], 1);
    assert_eq!(h["history_records"][0]["result"], "success");

    let rd = req("GET", format!("/v4/jobs/{job}/1/record-info"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(rd["status"], "success");
    assert_eq!(rd["result"]["build_record_id"], record_id.as_str());
    assert_eq!(rd["result"]["build_no"], 1);
    assert!(rd["result"]["duration"].is_u64());

    let out = req("GET", format!("/v3/jobs/{job}/1/output-info"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(out["status"], "success");
    assert!(out["result"]["package_info"]["daily_build_number"].is_string());
    assert!(out["result"]["image_infos"].is_object());

    // The full log as a byte stream, in several chunks.
    let dl = req("GET", format!("/v4/{record_id}/download-log"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(dl.status, 200);
    assert_eq!(dl.header("content-type"), Some("application/octet-stream"));
    assert_eq!(dl.header("transfer-encoding"), Some("chunked"));
    assert_eq!(String::from_utf8_lossy(&dl.body), text);
    let debug = req(
        "GET",
        format!("/v4/{record_id}/download-log?log_level=DEBUG"),
    )
    .signed(&c)
    .send(&em)
    .await;
    assert!(String::from_utf8_lossy(&debug.body).starts_with("[DEBUG]"));
    assert_eq!(
        req(
            "GET",
            format!("/v4/{record_id}/download-log?log_level=TRACE")
        )
        .signed(&c)
        .send(&em)
        .await
        .status,
        400
    );

    let info = req("GET", format!("/v1/job/{job}/info"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(info["status"], "success");
    assert_eq!(info["result"]["job_name"], demo::CODEARTSBUILD_JOB_NAME);
    assert_eq!(info["result"]["last_build_status"], "SUCCESS");

    // Stopping a build that finished by itself is not an error, it just did not stop anything.
    let late = req("POST", "/v3/jobs/stop")
        .json(json!({"job_id": job, "build_no": "1"}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(late.json(), json!({"result": false}));
    let late = req("POST", format!("/v3/jobs/{job}/1/stop"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(late.json()["success"], false);
    assert_eq!(
        req("GET", format!("/v1/job/{job}/status?build_no=1"))
            .signed(&c)
            .send(&em)
            .await
            .json()["result"]["status"],
        "success"
    );

    // Build numbers increment per task.
    assert_eq!(run_build(&em, &c).await, "2");
    assert_eq!(em.codeartsbuild_build_count(job), Some(2));
}

#[tokio::test]
async fn codeartsbuild_job_lists() {
    let em = start_with(EmulatorConfig {
        codeartsbuild_jobs: vec![
            demo::CODEARTSBUILD_JOB_ID.into(),
            "00000000000000000000000000000abc".into(),
        ],
        build_step: STEP,
        ..EmulatorConfig::default()
    })
    .await;
    let c = demo_creds();
    let p = demo::CODEARTS_PROJECT_ID;
    let v = req("GET", format!("/v3/{p}/jobs?page_index=0&page_size=10"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(v["total"], 2);
    let job = &v["jobs"][0];
    assert!(
        job["last_build_time"].is_number()
            && job["health_score"].is_i64()
            && job["is_finished"].is_boolean()
    );
    let page = req("GET", format!("/v3/{p}/jobs?page_index=1&page_size=1"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(page["jobs"].as_array().map(Vec::len), Some(1));
    assert_eq!(page["total"], 2);
    let v = req(
        "GET",
        format!("/v1/job/{p}/list?page_index=0&page_size=10&search=demo"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert_eq!(v["total"], 1);
    assert_eq!(v["jobs"][0]["id"], demo::CODEARTSBUILD_JOB_ID);
    let other = req(
        "GET",
        "/v1/job/zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz/list?page_index=0&page_size=10",
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert_eq!(other["total"], 0);
    let missing = req("GET", format!("/v3/{p}/jobs?page_index=0"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["error_code"], "CB.00060200");
    let too_big = req("GET", format!("/v3/{p}/jobs?page_index=0&page_size=101"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(too_big.status, 400);
}

#[tokio::test]
async fn codeartsbuild_stop_variants() {
    let em = start_with(EmulatorConfig {
        build_step: Duration::from_secs(30),
        ..EmulatorConfig::default()
    })
    .await;
    let c = demo_creds();
    let job = demo::CODEARTSBUILD_JOB_ID;
    // StopJob, documented spelling, string build_no.
    let n = run_build(&em, &c).await;
    let got = req("POST", "/v3/jobs/stop")
        .json(json!({"job_id": job, "build_no": n}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json(), json!({"result": true}));
    let st = req("GET", format!("/v1/job/{job}/status?build_no={n}"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(st["result"]["status"], "aborted");
    assert_eq!(st["result"]["abort_status"], "aborted");
    // Stopping it again: it has finished, result false.
    let again = req("POST", "/v3/jobs/stop")
        .json(json!({"job_id": job, "build_no": n}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(again.json(), json!({"result": false}));

    // The doc example's /v3/jobs/Stop with a numeric build_no.
    let n = run_build(&em, &c).await;
    let num: u32 = n.parse().expect("number");
    let got = req("POST", "/v3/jobs/Stop")
        .json(json!({"job_id": job, "build_no": num}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json(), json!({"result": true}));

    // StopBuildJob.
    let n = run_build(&em, &c).await;
    let got = req("POST", format!("/v3/jobs/{job}/{n}/stop"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json(), json!({"success": true, "result": ""}));
    let got = req("POST", format!("/v3/jobs/{job}/{n}/stop"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json()["success"], false);

    // StopTheJob: build_no as query (SDK) and in the body (intl doc).
    let n = run_build(&em, &c).await;
    let got = req("POST", format!("/v1/job/{job}/stop?build_no={n}"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json(), json!({"status": "success"}));
    let n = run_build(&em, &c).await;
    let got = req("POST", format!("/v1/job/{job}/stop"))
        .json(json!({"build_no": n.parse::<u32>().expect("n")}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json(), json!({"status": "success"}));
    let got = req("POST", format!("/v1/job/{job}/stop"))
        .json(json!({"build_no": 5}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json(), json!({"status": "fail"}));

    // ExecuteJob starts builds too; numbering continues.
    let got = req("POST", "/v1/job/execute")
        .json(json!({"job_id": job}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.json()["actual_build_number"], "6");
    let log = req("GET", format!("/v3/jobs/{job}/1/real-time-log?offset=0"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert!(
        log["result"]["content"]
            .as_str()
            .is_some_and(|t| t.ends_with("aborted by user\n"))
    );
    assert_eq!(log["result"]["has_more_data"], false);
}

#[tokio::test]
async fn codeartsbuild_bad_input() {
    let em = start().await;
    let c = demo_creds();
    let job = demo::CODEARTSBUILD_JOB_ID;
    let cases: Vec<(Req<'_>, u16, &str)> = vec![
        (
            req("POST", "/v3/jobs/build").raw(b"{\"job_id\": "),
            400,
            "CB.00060200",
        ),
        (
            req("POST", "/v3/jobs/build").json(json!({})),
            400,
            "CB.00060200",
        ),
        (
            req("POST", "/v3/jobs/build").json(json!({"job_id": 42})),
            400,
            "CB.00060200",
        ),
        (
            req("POST", "/v3/jobs/build")
                .json(json!({"job_id": job, "parameter": [{"name": "PATH", "value": "/x"}]})),
            400,
            "CB.00060200",
        ),
        (
            req("POST", "/v3/jobs/build")
                .json(json!({"job_id": "0123456789abcdef0123456789abcdef"})),
            404,
            "CB.00060404",
        ),
        (
            req("POST", "/v3/jobs/stop").json(json!({"job_id": job, "build_no": "twenty"})),
            400,
            "CB.00060200",
        ),
        (
            req("POST", "/v3/jobs/stop").json(json!({"job_id": job})),
            400,
            "CB.00060200",
        ),
        (
            req("POST", "/v3/jobs/stop").json(json!({"job_id": job, "build_no": "20"})),
            404,
            "CB.00060404",
        ),
        (
            req("POST", format!("/v3/jobs/{job}/0/stop")),
            400,
            "CB.00060200",
        ),
        (
            req("GET", format!("/v3/jobs/{job}/history?offset=0&limit=10")),
            400,
            "CB.00060200",
        ),
        (
            req("GET", format!("/v3/jobs/{job}/1/real-time-log")),
            400,
            "CB.00060200",
        ),
        (
            req("GET", format!("/v3/jobs/{job}/1/real-time-log?offset=0")),
            404,
            "CB.00060404",
        ),
        (req("GET", "/v1/job/nosuchjob/info"), 404, "CB.00060404"),
        (
            req(
                "GET",
                "/v4/00000000-0000-0000-0000-000000000000/download-log",
            ),
            404,
            "CB.00060404",
        ),
        (req("DELETE", "/v3/jobs/build"), 405, "CB.00060405"),
        (
            req("GET", format!("/v3/jobs/{job}/1/stop")),
            405,
            "CB.00060405",
        ),
    ];
    for (r, status, code) in cases {
        let what = format!("{} {}", r.method, r.path);
        let got = r.signed(&c).send(&em).await;
        assert_eq!(
            got.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&got.body)
        );
        let v = got.json();
        assert_eq!(v["error_code"], code, "{what}");
        assert!(v["error_msg"].is_string(), "{what}");
    }
    // Unknown paths are the gateway's 404, signed or not.
    let got = req("GET", "/v9/nothing/here").send(&em).await;
    assert_eq!(got.status, 404);
    assert_eq!(got.json()["error_code"], "APIGW.0101");
    // Over 12 MB: 413 APIGW.0201 without reading it all.
    let big = vec![b'x'; 12 * 1024 * 1024 + 1];
    let got = req("POST", "/v3/jobs/build").raw(&big).send(&em).await;
    assert_eq!(got.status, 413);
    assert_eq!(got.json()["error_code"], "APIGW.0201");
    assert_eq!(em.codeartsbuild_build_count(job), Some(0));
}

// ---------------------------------------------------------------- ServiceStage

fn job_spec(name: &str) -> Value {
    json!({"job_name": name, "environment_setting": {"use_public_cluster": true, "build_os": {"arch": "aarch64"}},
        "code_repo": {"type": "GitHub", "url": "https://github.com/example/app.git", "branch": "main", "namespace": "example"}})
}

#[tokio::test]
async fn servicestage_jobs_builds_and_cancel() {
    let em = start_with(EmulatorConfig {
        build_step: HOUR,
        ..EmulatorConfig::default()
    })
    .await;
    let c = demo_creds();
    let created = req("POST", "/assembling/v1/jobs")
        .json(job_spec("app-build"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(
        created.status,
        200,
        "{}",
        String::from_utf8_lossy(&created.body)
    );
    let job_id = created.json()["job_id"]
        .as_str()
        .expect("job id")
        .to_owned();
    assert_eq!(job_id.len(), 40);
    let list = req("GET", "/assembling/v1/jobs?page=1&per_page=10")
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(list["total"], 2);
    let by_name = req(
        "GET",
        "/assembling/v1/jobs?page=1&per_page=10&job_name=app-build",
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert_eq!(
        by_name["list"],
        json!([{"job_id": job_id, "job_name": "app-build"}])
    );

    let upd = req("PUT", format!("/assembling/v1/jobs/{job_id}"))
        .json(job_spec("app-build-2"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(upd.status, 200);
    let show = req("GET", format!("/assembling/v1/jobs/{job_id}"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(show["spec"]["job_name"], "app-build-2");
    assert_eq!(show["last_build_id"], "");

    // Start, and cancel while running: the seed's exact shape.
    let started = req("POST", format!("/assembling/v1/jobs/{job_id}/builds"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(started["index"], 1);
    assert_eq!(started["ended_at"], "");
    assert_eq!(started["state"], "Queuing");
    assert!(started["progress"].is_number());
    let build_id = started["build_id"].as_str().expect("build id").to_owned();
    let phases = req("GET", format!("/assembling/v1/builds/{build_id}/phases"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(phases["total"], 6);
    assert!(phases["list"][0]["id"].is_u64());
    assert_eq!(phases["list"][0]["name"], "Init");
    let canceled = req("PATCH", format!("/assembling/v1/builds/{build_id}"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(canceled.status, 200);
    let b = canceled.json();
    let keys: Vec<&str> = b
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    for k in [
        "build_id",
        "job_id",
        "job_name",
        "enterprise_project_id",
        "index",
        "started_at",
        "ended_at",
        "build_state",
        "repo_type",
        "repo_endpoint",
        "repo_web_url",
        "repo",
        "branch",
        "commit_id",
        "committer",
        "commit_time",
        "commit_comment",
        "language",
        "swr_repository",
        "swr_repo_page",
        "archive_result",
        "base_image",
        "seccomp_path",
        "type",
        "creator",
        "code_repo_anatomy",
        "os",
    ] {
        assert!(keys.contains(&k), "missing {k}");
    }
    assert_eq!(b["build_state"], "Cancel");
    assert!(b["swr_repository"].is_object() && b["swr_repo_page"].is_object());
    assert_eq!(b["archive_result"], json!({}));
    assert_eq!(b["code_repo_anatomy"], Value::Null);
    assert_eq!(b["os"], json!({"arch": "aarch64"}));
    assert!(b["index"].is_u64());
    let started_at = b["started_at"].as_str().expect("started_at");
    assert!(
        started_at.ends_with(" +0000 UTC") && started_at.len() == 29,
        "{started_at}"
    );
    assert!(
        b["ended_at"]
            .as_str()
            .is_some_and(|e| e.ends_with(" +0000 UTC"))
    );
    // Cancel again: finished → 400.
    let again = req("PATCH", format!("/assembling/v1/builds/{build_id}"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(again.status, 400);
    assert_eq!(again.json()["error_code"], "SVCSTG.00100400");

    // A second build runs to Successful; details/logs/results/taskname.
    let second = req("POST", format!("/assembling/v1/jobs/{job_id}"))
        .json(json!({"name": "app-build-2"}))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(second["index"], 2);
    let second_id = second["build_id"].as_str().expect("id").to_owned();
    em.advance_builds(HOUR);
    let running = req("GET", format!("/assembling/v1/builds/{second_id}"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(running["build_state"], "Building");
    assert_eq!(running["ended_at"], "");
    let early_log = req(
        "GET",
        format!("/assembling/v1/builds/{second_id}/logs?from=0"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    let next = early_log["next"].as_u64().expect("next");
    em.advance_builds(2 * HOUR);
    let done = req("GET", format!("/assembling/v1/builds/{second_id}"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(done["build_state"], "Successful");
    assert!(
        done["ended_at"]
            .as_str()
            .is_some_and(|e| e.ends_with(" +0000 UTC"))
    );
    let later = req(
        "GET",
        format!("/assembling/v1/builds/{second_id}/logs?from={next}"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    let whole = req(
        "GET",
        format!("/assembling/v1/builds/{second_id}/logs?from=0"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    let whole_text = whole["buildlog"].as_str().expect("log");
    assert_eq!(
        later["buildlog"].as_str(),
        Some(&whole_text[next as usize..])
    );
    assert!(later["next"].as_u64() > Some(next));
    assert_eq!(
        whole["phases"],
        "Init,Download,PreProcess,Build,Artifact,PostProcess"
    );
    assert_eq!(
        whole["phase_states"],
        "Successful,Successful,Successful,Successful,Successful,Successful"
    );
    let builds = req(
        "GET",
        format!("/assembling/v1/jobs/{job_id}/builds?name=app-build-2"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert_eq!(builds["total"], 2);
    assert_eq!(builds["finished"], 2);
    assert_eq!(builds["successful"], 1);
    let task = req(
        "GET",
        format!("/assembling/v1/builds/{second_id}?taskname=pmd"),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    assert!(
        task["pmd"]["total_count"].is_u64()
            && task["checkstyle"].is_object()
            && task["findbugs"].is_object()
    );
    assert_eq!(
        req(
            "GET",
            format!("/assembling/v1/builds/{second_id}?taskname=lint")
        )
        .signed(&c)
        .send(&em)
        .await
        .status,
        400
    );
    let res = req("GET", format!("/assembling/v1/builds/{second_id}/results"))
        .signed(&c)
        .send(&em)
        .await
        .json();
    assert_eq!(
        res["checkstyle"]["static"]["count_info"][0]["build_order"],
        2
    );
    assert_eq!(
        req("PATCH", format!("/assembling/v1/builds/{second_id}"))
            .signed(&c)
            .send(&em)
            .await
            .status,
        400
    );

    // Delete → 204, then 404.
    let del = req("DELETE", format!("/assembling/v1/jobs/{job_id}"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(del.status, 204);
    assert!(del.body.is_empty());
    let gone = req("GET", format!("/assembling/v1/jobs/{job_id}"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(gone.status, 404);
    assert_eq!(gone.json()["error_code"], "SVCSTG.00100404");
}

#[tokio::test]
async fn servicestage_bad_input() {
    let em = start().await;
    let c = demo_creds();
    let job = demo::SERVICESTAGE_JOB_ID;
    let cases: Vec<(Req<'_>, u16)> = vec![
        (req("GET", "/assembling/v1/jobs?per_page=10"), 400),
        (req("GET", "/assembling/v1/jobs?page=x&per_page=10"), 400),
        (req("POST", "/assembling/v1/jobs").raw(b"[1,"), 400),
        (
            req("POST", "/assembling/v1/jobs")
                .json(json!({"job_name": "9bad", "environment_setting": {}})),
            400,
        ),
        (
            req("POST", "/assembling/v1/jobs").json(json!({"job_name": "ok-name"})),
            400,
        ),
        (
            req("POST", "/assembling/v1/jobs")
                .json(json!({"job_name": 5, "environment_setting": {}})),
            400,
        ),
        (req("GET", format!("/assembling/v1/jobs/{job}/builds")), 400),
        (
            req("POST", format!("/assembling/v1/jobs/{job}")).json(json!({})),
            400,
        ),
        (
            req("GET", "/assembling/v1/builds/nosuchbuild/logs?from=0"),
            404,
        ),
        (req("GET", "/assembling/v1/builds/nosuchbuild"), 404),
        (req("PATCH", "/assembling/v1/builds/nosuchbuild"), 404),
        (req("DELETE", "/assembling/v1/jobs/nosuchjob"), 404),
        (req("PATCH", "/assembling/v1/jobs"), 405),
    ];
    for (r, status) in cases {
        let what = format!("{} {}", r.method, r.path);
        let got = r.signed(&c).send(&em).await;
        assert_eq!(
            got.status,
            status,
            "{what}: {}",
            String::from_utf8_lossy(&got.body)
        );
        let v = got.json();
        assert!(
            v["error_code"]
                .as_str()
                .is_some_and(|c| c.starts_with("SVCSTG.")),
            "{what}: {v}"
        );
    }
    assert_eq!(em.servicestage_build_count(job), Some(0));
}

#[tokio::test]
async fn builds_progress_in_real_time() {
    let em = start_with(EmulatorConfig {
        build_step: Duration::from_millis(50),
        ..EmulatorConfig::default()
    })
    .await;
    let c = demo_creds();
    run_build(&em, &c).await;
    let started = req(
        "POST",
        format!("/assembling/v1/jobs/{}/builds", demo::SERVICESTAGE_JOB_ID),
    )
    .signed(&c)
    .send(&em)
    .await
    .json();
    let build_id = started["build_id"].as_str().expect("build id").to_owned();
    let path = format!("/v1/job/{}/status?build_no=1", demo::CODEARTSBUILD_JOB_ID);
    wait_until(&em, &path, |v| v["result"]["status"] == "success").await;
    wait_until(&em, &format!("/assembling/v1/builds/{build_id}"), |v| {
        v["build_state"] == "Successful"
    })
    .await;
}

// ---------------------------------------------------------------- faults

#[tokio::test]
async fn faults_429_500_503_and_times() {
    let plan = FaultPlan::parse(
        "POST /v3/jobs/build=429:3x1; GET /v3/jobs/*/status=503x1; GET /v1/job/*/info=500x1",
    )
    .expect("valid");
    let em = start_with(EmulatorConfig {
        faults: plan,
        build_step: STEP,
        ..EmulatorConfig::default()
    })
    .await;
    let c = demo_creds();
    let job = demo::CODEARTSBUILD_JOB_ID;
    let got = req("POST", "/v3/jobs/build")
        .json(json!({"job_id": job}))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.status, 429);
    assert_eq!(got.header("retry-after"), Some("3"));
    assert_eq!(got.json()["error_code"], "APIGW.0308");
    assert!(got.header("x-request-id").is_some() && got.header("date").is_some());
    assert_eq!(
        em.codeartsbuild_build_count(job),
        Some(0),
        "a throttled request is not processed"
    );
    assert_eq!(
        run_build(&em, &c).await,
        "1",
        "only the first request was throttled"
    );

    let got = req("GET", format!("/v3/jobs/{job}/status"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.status, 503);
    assert!(got.json()["error_code"].is_string());
    assert_eq!(
        req("GET", format!("/v3/jobs/{job}/status"))
            .signed(&c)
            .send(&em)
            .await
            .status,
        200
    );
    let got = req("GET", format!("/v1/job/{job}/info"))
        .signed(&c)
        .send(&em)
        .await;
    assert_eq!(got.status, 500);
    assert_eq!(got.json()["error_code"], "CB.00000500");

    let j = em.journal();
    assert_eq!(
        j[0].verdict,
        Verdict::Faulted {
            fault: "429:3".into()
        }
    );
    assert_eq!(j[0].operation.as_deref(), Some("RunJob"));
    assert_eq!(j[0].status, Some(429));
    assert_eq!(j[1].verdict, Verdict::Accepted);
}

#[tokio::test]
async fn faults_latency_drop_truncate_malformed() {
    let em = start().await;
    let c = demo_creds();
    let job = demo::CODEARTSBUILD_JOB_ID;
    let status = format!("/v3/jobs/{job}/status");

    em.set_faults(FaultPlan::none().with(FaultRule::new(
        RouteMatch::path("GET", "/v3/jobs/*/status"),
        Fault::Latency(Duration::from_millis(300)),
    )));
    let t0 = Instant::now();
    assert_eq!(
        req("GET", status.clone()).signed(&c).send(&em).await.status,
        200
    );
    assert!(t0.elapsed() >= Duration::from_millis(300));
    assert_eq!(
        em.journal().last().and_then(|e| e.fault.clone()).as_deref(),
        Some("latency:300ms")
    );

    em.set_faults(FaultPlan::parse("GET /v3/jobs/*/status=drop").expect("valid"));
    let err = req("GET", status.clone())
        .signed(&c)
        .try_send(&em)
        .await
        .expect_err("dropped");
    assert!(!err.is_status(), "{err}");
    let last = em.journal().pop().expect("journaled");
    assert_eq!(last.status, None);
    assert_eq!(
        last.verdict,
        Verdict::Faulted {
            fault: "drop".into()
        }
    );

    // Truncated: the build IS started, the response is cut short.
    em.set_faults(FaultPlan::parse("POST /v3/jobs/build=truncate x1").expect("valid"));
    let err = req("POST", "/v3/jobs/build")
        .json(json!({"job_id": job}))
        .signed(&c)
        .try_send(&em)
        .await;
    assert!(
        err.is_err(),
        "truncated body must not read cleanly: {err:?}"
    );
    assert_eq!(em.codeartsbuild_build_count(job), Some(1));
    let last = em.journal().pop().expect("journaled");
    assert_eq!(last.fault.as_deref(), Some("truncate"));
    assert_eq!(last.verdict, Verdict::Accepted);
    // Next request is clean (x1).
    assert_eq!(run_build(&em, &c).await, "2");

    em.set_faults(FaultPlan::parse("*=malformed").expect("valid"));
    let got = req("GET", status).signed(&c).send(&em).await;
    assert_eq!(got.status, 200);
    assert!(serde_json::from_slice::<Value>(&got.body).is_err());
    em.set_faults(FaultPlan::none());
}

#[tokio::test]
async fn fault_rates_are_deterministic_per_seed() {
    async fn pattern(seed: u64) -> Vec<u16> {
        let em = start_with(EmulatorConfig {
            seed,
            faults: FaultPlan::parse("*=503@0.5").expect("valid"),
            ..EmulatorConfig::default()
        })
        .await;
        let mut out = Vec::new();
        for _ in 0..24 {
            out.push(req("GET", "/v9/unknown").send(&em).await.status);
        }
        // Re-installing the plan replays the same decisions.
        em.set_faults(FaultPlan::parse("*=503@0.5").expect("valid"));
        for (i, want) in out.clone().into_iter().enumerate() {
            assert_eq!(
                req("GET", "/v9/unknown").send(&em).await.status,
                want,
                "request {i}"
            );
        }
        out
    }
    let a = pattern(7).await;
    assert_eq!(a, pattern(7).await);
    assert_ne!(a, pattern(8).await);
    assert!(a.contains(&503) && a.contains(&404), "{a:?}");
}

// ---------------------------------------------------------------- journal

#[tokio::test]
async fn journal_records_requests_redacted() {
    let em = start().await;
    let c = demo_creds();
    let token = project_token(&em).await;
    em.clear_journal();
    run_build(&em, &c).await;
    let got = req(
        "GET",
        format!(
            "/v3/jobs/{}/history?offset=0&limit=5&interval=1",
            demo::CODEARTSBUILD_JOB_ID
        ),
    )
    .token(&token)
    .send(&em)
    .await;
    assert_eq!(got.status, 200);
    let j = em.journal();
    assert_eq!(j.len(), 2);
    let run = &j[0];
    assert_eq!(
        (run.seq, run.method.as_str(), run.path.as_str()),
        (0, "POST", "/v3/jobs/build")
    );
    assert_eq!(run.operation.as_deref(), Some("RunJob"));
    assert_eq!(run.principal.as_deref(), Some(demo::ACCESS_KEY));
    assert_eq!(run.status, Some(200));
    assert_eq!(
        run.body_json(),
        Some(json!({"job_id": demo::CODEARTSBUILD_JOB_ID}))
    );
    let auth = run.header("authorization").expect("authorization");
    assert!(
        auth.starts_with("SDK-HMAC-SHA256 Access=") && auth.ends_with("Signature=<redacted>"),
        "{auth}"
    );
    assert_eq!(run.header("x-project-id"), Some(demo::PROJECT_ID));
    let hist = &j[1];
    assert_eq!(hist.query.as_deref(), Some("offset=0&limit=5&interval=1"));
    assert_eq!(hist.header("x-auth-token"), Some("<redacted>"));
    assert_eq!(hist.principal.as_deref(), Some(demo::USER_NAME));
    assert_eq!(hist.operation.as_deref(), Some("ShowListHistory"));
    assert_eq!(
        hist.request_id,
        got.header("x-request-id").expect("request id")
    );
    assert_ne!(run.request_id, hist.request_id);
    assert!(format!("{j:?}").find(&token).is_none());
}

#[tokio::test]
async fn garbage_input_gets_an_error_never_a_panic_or_hang() {
    let em = start().await;
    let c = demo_creds();
    let j = demo::CODEARTSBUILD_JOB_ID;
    let s = demo::SERVICESTAGE_JOB_ID;
    let routes = [
        ("POST", "/v3/auth/tokens".to_owned()),
        ("POST", "/v3.0/OS-CREDENTIAL/securitytokens".to_owned()),
        ("POST", "/v3/jobs/stop".to_owned()),
        ("POST", "/v3/jobs/build".to_owned()),
        ("POST", "/v1/job/execute".to_owned()),
        ("POST", format!("/v1/job/{j}/stop?build_no=-1")),
        ("POST", format!("/v3/jobs/{j}/99999999999/stop")),
        (
            "GET",
            format!("/v3/jobs/{j}/history?offset=-1&limit=0&interval=99"),
        ),
        (
            "GET",
            format!("/v3/jobs/{j}/1/real-time-log?offset=99999999999999999999"),
        ),
        (
            "GET",
            format!(
                "/v3/{}/jobs?page_index=9223372036854775807&page_size=100",
                demo::CODEARTS_PROJECT_ID
            ),
        ),
        ("GET", format!("/v1/job/{j}/status?build_no=abc")),
        ("POST", "/assembling/v1/jobs".to_owned()),
        ("PUT", format!("/assembling/v1/jobs/{s}")),
        ("POST", format!("/assembling/v1/jobs/{s}")),
        (
            "GET",
            "/assembling/v1/jobs?page=9223372036854775807&per_page=1000".to_owned(),
        ),
        ("GET", "/assembling/v1/builds/x/logs?from=-5".to_owned()),
        ("GET", "//v3//jobs//".to_owned()),
    ];
    let bodies: [&[u8]; 6] = [
        b"",
        b"null",
        b"[]",
        br#"{"job_id": null, "build_no": []}"#,
        b"\xff\xfe\x00",
        b"{\"auth\": 1}",
    ];
    for (method, path) in &routes {
        for body in bodies {
            let got = req(method, path.clone())
                .raw(body)
                .signed(&c)
                .send(&em)
                .await;
            let want = if path.contains("page_index=9223372036854775807")
                || path.contains("page=9223372036854775807")
            {
                200..201 // a page far past the end is empty, not an error
            } else {
                400..500
            };
            assert!(
                want.contains(&got.status),
                "{method} {path} {body:?}: {}",
                got.status
            );
            let v = got.json();
            assert!(
                got.status == 200 || v.get("error_code").is_some() || v.get("error").is_some(),
                "{method} {path}: {v}"
            );
        }
    }
    // The emulator still works afterwards.
    assert_eq!(run_build(&em, &c).await, "1");
}
