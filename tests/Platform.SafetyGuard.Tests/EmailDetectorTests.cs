using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

public sealed class EmailDetectorTests
{
    private readonly EmailDetector _detector = new();

    [Theory]
    [InlineData("contact john.doe@example.com today", "john.doe@example.com")]
    [InlineData("JOHN+tag@sub.example.co.uk", "JOHN+tag@sub.example.co.uk")]
    [InlineData("<a_b-c@my-domain.io>.", "a_b-c@my-domain.io")]
    [InlineData("mail:o'brien@example.org,", "o'brien@example.org")]
    public void Finds_addresses(string text, string expected) => DetectorAssert.FindsExactly(_detector, text, expected);

    [Theory]
    [InlineData("user@localhost")]
    [InlineData("name@ and @example.com")]
    [InlineData("pip install package==1.2@3")]
    [InlineData("x@y.c0m")]
    [InlineData("decorator @app.route used")]
    [InlineData("no at sign here.example.com")]
    public void Ignores_look_alikes(string text) => DetectorAssert.FindsNothing(_detector, text);
}
