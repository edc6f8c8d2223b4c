using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Tests;

public sealed class PhoneAndNationalIdDetectorTests
{
    private readonly PhoneDetector _phone = new();
    private readonly NationalIdDetector _nationalId = new();

    [Theory]
    [InlineData("call +44 20 7946 0958 today", "+44 20 7946 0958")]
    [InlineData("E.164: +14155552671.", "+14155552671")]
    [InlineData("ring +1 (415) 555-2671 now", "+1 (415) 555-2671")]
    [InlineData("office (415) 555-2671", "(415) 555-2671")]
    [InlineData("office 415-555-2671", "415-555-2671")]
    [InlineData("office 415.555.2671", "415.555.2671")]
    [InlineData("London 020 7946 0958", "020 7946 0958")]
    [InlineData("mobile: 07700 900123!", "07700 900123")]
    [InlineData("Paris 06 12 34 56 78", "06 12 34 56 78")]
    [InlineData("Berlin +49 30 901820", "+49 30 901820")]
    [InlineData("phone: 4155552671", "4155552671")]
    public void Finds_phone_numbers(string text, string expected) => DetectorAssert.FindsExactly(_phone, text, expected);

    [Theory]
    [InlineData("order 123456789 shipped")]
    [InlineData("released 2024-01-15 at 10:30")]
    [InlineData("card 4111 1111 1111 1111")]
    [InlineData("version 10.2.3.4 and build 20240115")]
    [InlineData("total 1,234,567.89 EUR")]
    [InlineData("area code 155-555-2671 is not North American")]
    [InlineData("IBAN DE89 3704 0044 0532 0130 00")]
    [InlineData("SSN 000-12-3456 is invalid")]
    public void Ignores_numbers_that_are_not_phones(string text) => DetectorAssert.FindsNothing(_phone, text);

    [Theory]
    [InlineData("SSN 536-22-1234 on file", "536-22-1234")]
    [InlineData("ssn: 536221234", "536221234")]
    [InlineData("id 536 22 1234.", "536 22 1234")]
    [InlineData("DNI 12345678Z", "12345678Z")]
    [InlineData("NIE X1234567L", "X1234567L")]
    [InlineData("Aadhaar 2341 2341 2346", "2341 2341 2346")]
    public void Finds_national_ids(string text, string expected) => DetectorAssert.FindsExactly(_nationalId, text, expected);

    [Theory]
    [InlineData("000-12-3456")]
    [InlineData("666-12-3456")]
    [InlineData("912-12-3456")]
    [InlineData("536-00-1234")]
    [InlineData("536-22-0000")]
    [InlineData("536-22 1234")]
    [InlineData("DNI 12345678A")]
    [InlineData("Aadhaar 2341 2341 2345")]
    [InlineData("Aadhaar 1341 2341 2346")]
    [InlineData("order 536221234")]
    public void Rejects_invalid_national_ids(string text) => DetectorAssert.FindsNothing(_nationalId, text);
}
