using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

public sealed class PaymentCardDetectorTests
{
    private readonly PaymentCardDetector _detector = new();

    [Theory]
    [InlineData("card 4111111111111111 exp 12/27", "4111111111111111")]
    [InlineData("4111 1111 1111 1111", "4111 1111 1111 1111")]
    [InlineData("pay with 5555-5555-5555-4444.", "5555-5555-5555-4444")]
    [InlineData("amex 3782 822463 10005", "3782 822463 10005")]
    [InlineData("discover:6011000990139424", "6011000990139424")]
    [InlineData("visa 4222222222222", "4222222222222")]
    [InlineData("mastercard 2223003122003222", "2223003122003222")]
    public void Finds_card_numbers(string text, string expected) => DetectorAssert.FindsExactly(_detector, text, expected);

    [Theory]
    [InlineData("4111111111111112")] // Luhn-invalid
    [InlineData("4111 1111 1111 1112")] // Luhn-invalid, grouped
    [InlineData("meeting on 2024-01-15 at 10:30")] // a date
    [InlineData("call +1 555 123 4567")] // a phone number
    [InlineData("call +49 1512 3456 7890")] // a longer phone number
    [InlineData("4111 1111-1111 1111")] // mixed separators
    [InlineData("4111 11111 111 1111")] // not a card grouping
    [InlineData("41111111111111111111111")] // too long: part of a longer number
    [InlineData("1111111111111117")] // Luhn-valid, but no card network starts with 1
    [InlineData("tracking ID4111111111111111")] // glued to a word
    [InlineData("version 4.1.1.1")]
    public void Ignores_look_alikes(string text) => DetectorAssert.FindsNothing(_detector, text);

    [Fact]
    public void Luhn_matches_known_values()
    {
        Assert.True(PaymentCardDetector.Luhn([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]));
        Assert.False(PaymentCardDetector.Luhn([4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2]));
    }
}
