using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

public sealed class SecretDetectorTests
{
    private const string RsaBlock =
        "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END RSA PRIVATE KEY-----";

    private const string Jwt =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    [Theory]
    [InlineData("key:\n" + RsaBlock + "\nthanks", RsaBlock)]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----", "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----")]
    [InlineData("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----")]
    [InlineData("cut: -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49\n\n", "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIIrYSSNQFaA2Hwf1duRSxKtLYX5CB04fSeQ6tF1aY/PuoAoGCCqGSM49")]
    public void Finds_private_key_blocks(string text, string expected) => DetectorAssert.FindsExactly(new PrivateKeyDetector(), text, expected);

    [Theory]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf\n-----END PUBLIC KEY-----")]
    [InlineData("-----BEGIN CERTIFICATE-----\nMIIBszCCAV2gAwIBAgIJAO\n-----END CERTIFICATE-----")]
    [InlineData("the private key is stored in a vault")]
    public void Ignores_non_private_blocks(string text) => DetectorAssert.FindsNothing(new PrivateKeyDetector(), text);

    [Theory]
    [InlineData("Authorization: Bearer " + Jwt, Jwt)]
    [InlineData("token=" + Jwt + "&x=1", Jwt)]
    public void Finds_jwts(string text, string expected) => DetectorAssert.FindsExactly(new JwtDetector(), text, expected);

    [Theory]
    [InlineData("eyJhbGciOiJub3RqcG9u.eyJub3Q.sig")] // header decodes to broken JSON
    [InlineData("eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiIxIn0.c2ln")] // valid JSON header without alg
    [InlineData("com.example.package.Class")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9")] // a header alone
    public void Ignores_jwt_look_alikes(string text) => DetectorAssert.FindsNothing(new JwtDetector(), text);

    [Theory]
    [InlineData("aws_access_key_id = AKIAIOSFODNN7EXAMPLE", "AKIAIOSFODNN7EXAMPLE")]
    [InlineData("\"ASIAY34FZKBOKMUTVV7A\"", "ASIAY34FZKBOKMUTVV7A")]
    public void Finds_aws_access_key_ids(string text, string expected) => DetectorAssert.FindsExactly(new AwsAccessKeyDetector(), text, expected);

    [Theory]
    [InlineData("AKIA1234567890123456")] // 0, 1, 8, 9 are not in AWS's alphabet
    [InlineData("AKIAIOSFODNN7EXAMPL")] // too short
    [InlineData("XAKIAIOSFODNN7EXAMPLE")] // part of a longer word
    [InlineData("AKIAIOSFODNN7EXAMPLE2")] // too long
    public void Ignores_aws_look_alikes(string text) => DetectorAssert.FindsNothing(new AwsAccessKeyDetector(), text);

    [Theory]
    [InlineData("GITHUB_TOKEN=ghp_1234567890abcdefghijABCDEFGHIJ123456", "ghp_1234567890abcdefghijABCDEFGHIJ123456")]
    [InlineData("gho_16C7e42F292c6912E7710c838347Ae178B4a used", "gho_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData(
        "pat github_pat_11ABCDEFG0123456789abc_abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHIJ012345678 end",
        "github_pat_11ABCDEFG0123456789abc_abcdefghijABCDEFGHIJ0123456789abcdefghijABCDEFGHIJ012345678")]
    public void Finds_github_tokens(string text, string expected) => DetectorAssert.FindsExactly(new GitHubTokenDetector(), text, expected);

    [Theory]
    [InlineData("ghp_short")]
    [InlineData("ghx_1234567890abcdefghijABCDEFGHIJ123456")]
    [InlineData("my_ghp_1234567890abcdefghijABCDEFGHIJ123456")]
    [InlineData("github_pat_tooshort")]
    public void Ignores_github_look_alikes(string text) => DetectorAssert.FindsNothing(new GitHubTokenDetector(), text);
}
