using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

public sealed class Ipv4DetectorTests
{
    private readonly Ipv4Detector _detector = new();

    [Theory]
    [InlineData("ping 192.168.1.1 now", "192.168.1.1")]
    [InlineData("server at 10.0.0.254.", "10.0.0.254")]
    [InlineData("dns=8.8.8.8:53", "8.8.8.8")]
    [InlineData("(255.255.255.0)", "255.255.255.0")]
    public void Finds_addresses(string text, string expected) => DetectorAssert.FindsExactly(_detector, text, expected);

    [Theory]
    [InlineData("version 1.2.3")]
    [InlineData("v1.2.3.4")]
    [InlineData("256.1.1.1")]
    [InlineData("1.2.3.4.5")]
    [InlineData("01.02.03.04")]
    [InlineData("released 2024.01.15")]
    [InlineData("pi is 3.14159")]
    public void Ignores_look_alikes(string text) => DetectorAssert.FindsNothing(_detector, text);
}
