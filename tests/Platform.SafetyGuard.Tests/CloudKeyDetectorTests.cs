using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

public sealed class CloudKeyDetectorTests
{
    private static IDetector Detector(string type) => DetectorSet.Default.Find(type) ?? throw new InvalidOperationException(type);

    [Theory]
    [InlineData("aws_secret_access_key", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("aws_secret_access_key", "AWS_SECRET_KEY=\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\"", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("gcp_service_account_key", "{\"type\": \"service_account\", \"private_key_id\": \"0123456789abcdef0123456789abcdef01234567\"}", "0123456789abcdef0123456789abcdef01234567")]
    [InlineData("slack_token", "token xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx end", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx")]
    [InlineData("slack_token", "post to https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx", "https://hooks.slack.com/services/T0123ABCD/B0123ABCD/abcdefghijklmnopqrstuvwx")]
    [InlineData("stripe_key", "key sk_live_4eC39HqLyjWDarjtT1zdp7dc in env", "sk_live_4eC39HqLyjWDarjtT1zdp7dc")]
    [InlineData("stripe_key", "rk_test_51H8sQ2Lk9aBcDeFgHiJkLmNo", "rk_test_51H8sQ2Lk9aBcDeFgHiJkLmNo")]
    public void Finds_keys(string type, string text, string expected) => DetectorAssert.FindsExactly(Detector(type), text, expected);

    [Fact]
    public void Finds_azure_storage_keys_in_connection_strings()
    {
        var key = new string('A', 40) + "abcdefghij0123456789+/abcdefghij0123456789+/xy" + "==";
        Assert.Equal(88, key.Length);
        DetectorAssert.FindsExactly(Detector("azure_storage_key"),
            $"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey={key};EndpointSuffix=core.windows.net", key);
    }

    [Theory]
    [InlineData("aws_secret_access_key", "the commit hash is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    [InlineData("stripe_key", "pk_live_4eC39HqLyjWDarjtT1zdp7dc is publishable")]
    [InlineData("slack_token", "xoxb is a prefix")]
    public void Ignores_look_alikes(string type, string text) => DetectorAssert.FindsNothing(Detector(type), text);
}
