using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

public sealed class IbanDetectorTests
{
    private readonly IbanDetector _detector = new();

    [Theory]
    [InlineData("IBAN: DE89 3704 0044 0532 0130 00, BIC COBADEFFXXX", "DE89 3704 0044 0532 0130 00")]
    [InlineData("GB82WEST12345698765432", "GB82WEST12345698765432")]
    [InlineData("to FR14 2004 1010 0505 0001 3M02 606.", "FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("nl91abna0417164300", "nl91abna0417164300")]
    [InlineData("(NO9386011117947)", "NO9386011117947")]
    public void Finds_ibans(string text, string expected) => DetectorAssert.FindsExactly(_detector, text, expected);

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 01")] // wrong checksum
    [InlineData("GB82WEST12345698765433")] // wrong checksum
    [InlineData("DE8937040044053201300012")] // longer than a German IBAN
    [InlineData("XX89370400440532013000")] // no such country
    [InlineData("DE89 3704 0044")] // too short
    [InlineData("ISO8601 and RFC3339 timestamps")]
    public void Ignores_look_alikes(string text) => DetectorAssert.FindsNothing(_detector, text);

    [Fact]
    public void Mod97_of_a_valid_iban_is_one() => Assert.Equal(1, IbanDetector.Mod97("DE89370400440532013000"));
}
