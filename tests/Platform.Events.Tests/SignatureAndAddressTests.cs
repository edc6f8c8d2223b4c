using System.Net;
using System.Text;
using Platform.Events.Webhooks;
using Xunit;

namespace Platform.Events.Tests;

/// <summary>The SSRF guard's address classes (checked again at connect time for every resolved address) and signature parsing.</summary>
public sealed class SignatureAndAddressTests
{
    [Theory]
    [InlineData("8.8.8.8", true)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:4700:4700::1111", true)]
    [InlineData("127.0.0.1", false)]
    [InlineData("127.255.0.9", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("10.0.0.1", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.31.255.255", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("100.128.0.1", true)]
    [InlineData("198.18.0.1", false)]
    [InlineData("192.0.2.1", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd12:3456::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("::ffff:8.8.8.8", true)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2001:db8::1", false)]
    [InlineData("2002:0a00:0001::1", false)]
    [InlineData("2002:0808:0808::1", true)]
    public void Only_globally_routable_addresses_are_public(string address, bool isPublic) =>
        Assert.Equal(isPublic, WebhookUrls.IsPublic(IPAddress.Parse(address)));

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("t=abc,v1=00")]
    [InlineData("t=1,v1=zz")]
    [InlineData("v1=")]
    [InlineData("t=,v1=,=")]
    public void A_malformed_signature_header_is_refused_without_an_exception(string header) =>
        Assert.False(WebhookSignature.Verify(header, "whsec_x", Encoding.UTF8.GetBytes("{}"), DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)));

    [Fact]
    public void Backoff_doubles_from_the_base_and_stops_at_the_cap()
    {
        var options = new WebhookOptions { RetryBaseDelayMs = 1000, RetryMaxDelayMs = 10_000 };
        var random = new Random(7);
        for (var failures = 1; failures <= 8; failures++)
        {
            var nominal = Math.Min(10_000, 1000 * Math.Pow(2, failures - 1));
            var delay = RetryBackoff.After(failures, options, random).TotalMilliseconds;
            Assert.InRange(delay, nominal * 0.8, nominal * 1.2);
        }
    }
}
