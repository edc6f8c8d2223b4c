using System.Security.Cryptography;

namespace Platform.Events.Webhooks;

/// <summary>
/// Signing secrets: <c>whsec_</c> and 32 random bytes (base64url). The HMAC key is the secret's UTF-8
/// text as shown, so a receiver uses it exactly as it was copied. Kept in the database as is: unlike an
/// API key it cannot be hashed, because the platform must sign with it.
/// </summary>
public static class WebhookSecrets
{
    public const string Prefix = "whsec_";

    public static string Create() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string NewSubscriptionId() =>
        "wh_" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
}
