//! Every contestant of the side-by-side bench presigns the main case to the same signature,
//! and that signature is the one that the project's peer measurements list (checked there against botocore,
//! @smithy/signature-v4, aws-c-auth and aws4).

use peer_bench::{
    AwsSigV4, Case, Floor, SECRET_ACCESS_KEY, SigV4WssCold, SigV4WssVerify, SigV4WssWarm, URL,
    signature_of, time,
};

/// The exact URLs of the project's peer measurements ("Main case: exact signed URLs").
const EXPECTED_TOKEN_URL: &str = concat!(
    "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby",
    "&X-Amz-Algorithm=AWS4-HMAC-SHA256",
    "&X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request",
    "&X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host",
    "&X-Amz-Signature=4fc3689a4477c18d6e19bf81d8f3b724b02886cd4ac45891af93dce35469328b",
    "&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr%2F%2F%2F%2F%2F%2F%2F%2F%2F%2FwEaCXVzLWVhc3QtMSJHMEUCIQDXJ62MUWkthd35iJo0K%2FCDygjzms46f5cO81VNm0Vyhu855%2FI5mq04eplbna3CYiuWvE4%2Bm6YoSX%2BOzKSvewz3Lwqz6pEf67RUEAnt2G3Ema7DJ59JuXjTavNpQmDpA8q56rjjqo40DQ0eibyRlRGofAc6CfMWj%2BUs6lDtXuO4vs3KxDpMYBgaBhBX59xACH7unN4vcy1UKXe%2BszpOnompHhgtUFnpQ8U1H1MCm18M6kS%2FRsFjVObI6iujnXCx%2FBgZe6IqpDzUA2ENbNONSRzvBAVNm6li8ppwXEb39EI9cR00NIGfBKUbA%2BahFixOGm7o%2FMnWosGjxNoEJGzZMyBMGeYtMpTppF9BCo%2Fk0uz8Rx7xzPVybRojfmiciZ%2FdvQeCRkWiNGtFnrmYLu%2B4b7%2BrbjiXt40DlJvLadrLmC9Sbn8VyJyrkAuxJS4lKutDN%2FNIRJPG6Z1TleP6PKtVKFVFAcIJAcO0mNv9cvexfbOCvykXFCvNN3dmyoubwKr9xMgS5HBQjWnnd%2BegySvCcfaBvTp6KU7VdSTeOtLXo98UpQWUjVK6bEGVhg6ccF6%2B6T%2BKH2yEl%2B%2BBMzWC7AxaYxFcsfw61krDcNZnJWpkjvpukluXJz8t0gYJwqd861j%2FUPORbp3kj8fLLT6ROvX2aGWkAzeyl%2FkuEQxc7HNgTIZjg7uFIsvetkiI2%2B3L9uzhvMl2R2PYUsWNSzOyeTwMvQjgmqEgJXc%2FOfNMqYLtaN%3D%3D",
);
const EXPECTED_NO_TOKEN_URL: &str = concat!(
    "wss://abc123defg.execute-api.us-east-1.amazonaws.com/dev?room=lobby",
    "&X-Amz-Algorithm=AWS4-HMAC-SHA256",
    "&X-Amz-Credential=AKIDEXAMPLE%2F20200131%2Fus-east-1%2Fexecute-api%2Faws4_request",
    "&X-Amz-Date=20200131T100233Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host",
    "&X-Amz-Signature=dffa095e6ac761dc6b1d437ca928014f3cf49a8ab0ecb21154a8c82c735864e6",
);

fn expected(case: Case) -> &'static str {
    match case {
        Case::Token => EXPECTED_TOKEN_URL,
        Case::NoToken => EXPECTED_NO_TOKEN_URL,
    }
}

#[test]
fn expected_urls_have_the_documented_shape() {
    // the project's peer measurements: 1227 bytes with the token, 333 without.
    assert_eq!(EXPECTED_TOKEN_URL.len(), 1227);
    assert_eq!(EXPECTED_NO_TOKEN_URL.len(), 333);
}

#[test]
fn every_contestant_gives_the_same_signature() {
    for case in Case::ALL {
        let want_url = expected(case);
        let want = signature_of(want_url).unwrap();

        let warm = SigV4WssWarm::new(case).presign(URL, time());
        let cold = SigV4WssCold::new(case).presign(URL, time());
        let aws = AwsSigV4::new(case).presign(URL, time().into());
        let floor = Floor::new(case);
        let floor_sig = floor.sign(floor.bytes());
        let floor_cold_sig = floor.sign_cold(SECRET_ACCESS_KEY, "20200131", floor.bytes());

        assert_eq!(warm, want_url, "{case:?} sigv4-wss-warm");
        assert_eq!(cold, want_url, "{case:?} sigv4-wss-cold");
        assert_eq!(aws, want_url, "{case:?} aws-sigv4");
        assert_eq!(signature_of(&aws), Some(want), "{case:?} aws-sigv4");
        assert_eq!(std::str::from_utf8(&floor_sig).unwrap(), want, "{case:?} floor");
        assert_eq!(std::str::from_utf8(&floor_cold_sig).unwrap(), want, "{case:?} floor-cold");

        // The verify contestant checks the warm URL, and refuses it with one byte changed.
        let verify = SigV4WssVerify::new(case);
        assert_eq!(
            verify.target(),
            want_url.strip_prefix("wss://abc123defg.execute-api.us-east-1.amazonaws.com").unwrap()
        );
        assert!(verify.verify(verify.target(), time()).is_ok(), "{case:?} sigv4-wss-verify");
        let tampered = verify.target().replace("room=lobby", "room=lobbz");
        assert!(verify.verify(&tampered, time()).is_err(), "{case:?} sigv4-wss-verify, tampered");
    }
}

#[test]
fn floor_hashes_the_documented_canonical_request() {
    // the project's peer measurements: 1221 bytes with the token, 327 without; its hash with the token is the
    // last line of the documented string to sign.
    assert_eq!(Floor::canonical_request(Case::Token).len(), 1221);
    assert_eq!(Floor::canonical_request(Case::NoToken).len(), 327);
    let creq = sigv4_wss::CanonicalRequest::new("GET", "/dev")
        .unwrap()
        .with_query("room=lobby")
        .with_query_param("X-Amz-Algorithm", "AWS4-HMAC-SHA256")
        .with_query_param(
            "X-Amz-Credential",
            "AKIDEXAMPLE/20200131/us-east-1/execute-api/aws4_request",
        )
        .with_query_param("X-Amz-Date", "20200131T100233Z")
        .with_query_param("X-Amz-Expires", "300")
        .with_query_param("X-Amz-Security-Token", peer_bench::TOKEN)
        .with_query_param("X-Amz-SignedHeaders", "host")
        .with_header("host", peer_bench::HOST)
        .unwrap();
    assert_eq!(creq.unredacted(), Floor::canonical_request(Case::Token));
    let hex: String = creq.sha256().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, "373049ebc0b59247b3e219b190d2f391e261bb9e99ddc6b39fc0feb54cf6411b");
}
