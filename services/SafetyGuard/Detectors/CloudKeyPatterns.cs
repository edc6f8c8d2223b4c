using System.Text.RegularExpressions;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// Credentials of cloud and SaaS providers, by their documented formats. Keys that are bare random
/// base64 (AWS secret keys, Azure storage keys) are only recognised next to the words that name
/// them, since 40 or 88 random characters alone are indistinguishable from other data.
/// </summary>
public static partial class CloudKeyPatterns
{
    public static IEnumerable<IDetector> All() =>
    [
        new PatternDetector("aws_secret_access_key", FindingCategory.Secret, "[AWS_SECRET]", AwsSecretAccessKey()),
        new PatternDetector("gcp_service_account_key", FindingCategory.Secret, "[GCP_KEY]", GcpServiceAccountKey()),
        new PatternDetector("azure_storage_key", FindingCategory.Secret, "[AZURE_KEY]", AzureStorageKey()),
        new PatternDetector("slack_token", FindingCategory.Secret, "[SLACK_TOKEN]", SlackToken()),
        new PatternDetector("stripe_key", FindingCategory.Secret, "[STRIPE_KEY]", StripeKey()),
    ];

    // aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY, "AWS secret key: ...", AWS_SECRET_KEY="..."
    [GeneratedRegex(
        @"(?i:aws)[\w .-]{0,24}?(?i:secret)[\w .-]{0,24}?[""']?\s*[:=]\s*[""']?(?<value>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        RegexOptions.CultureInvariant)]
    private static partial Regex AwsSecretAccessKey();

    // A service account key file names its key by id; the id is unique to the key and enough to flag the file.
    // The PEM block inside it is found by the private_key detector.
    [GeneratedRegex(
        @"""private_key_id""\s*:\s*""(?<value>[0-9a-f]{40})""",
        RegexOptions.CultureInvariant)]
    private static partial Regex GcpServiceAccountKey();

    // Storage account keys are 64 random bytes: 86 base64 characters and "==".
    [GeneratedRegex(
        @"(?:AccountKey\s*=\s*|(?i:azure|storage)[\w .-]{0,24}?(?i:key)[""']?\s*[:=]\s*[""']?)(?<value>[A-Za-z0-9+/]{86}==)",
        RegexOptions.CultureInvariant)]
    private static partial Regex AzureStorageKey();

    // Bot, user, app-level and configuration tokens, and incoming-webhook URLs (which embed a secret).
    [GeneratedRegex(
        @"(?<![A-Za-z0-9])(?:xox[abposr]-[0-9A-Za-z]{1,20}-[0-9A-Za-z-]{8,}|xapp-\d-[A-Z0-9]+-\d+-[a-f0-9]{32,}|https://hooks\.slack\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})",
        RegexOptions.CultureInvariant)]
    private static partial Regex SlackToken();

    // Secret and restricted keys (publishable pk_ keys are meant to be public).
    [GeneratedRegex(
        @"(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{24,247}(?![A-Za-z0-9_])",
        RegexOptions.CultureInvariant)]
    private static partial Regex StripeKey();
}
