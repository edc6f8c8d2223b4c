using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// The detectors a check runs, applied to normalised text with findings mapped back to the original.
/// Readable text hidden in base64 or hex blobs is normalised and checked as well; what is found in
/// it is reported over the whole blob.
/// </summary>
public sealed class DetectorSet(IReadOnlyList<IDetector> detectors)
{
    /// <summary>Every built-in pattern detector: cheap, local, deterministic.</summary>
    public static DetectorSet Default { get; } = new(
    [
        new EmailDetector(),
        new PhoneDetector(),
        new PaymentCardDetector(),
        new IbanDetector(),
        new NationalIdDetector(),
        new Ipv4Detector(),
        new PrivateKeyDetector(),
        new JwtDetector(),
        new AwsAccessKeyDetector(),
        .. CloudKeyPatterns.All(),
        new GitHubTokenDetector(),
    ]);

    public IReadOnlyList<IDetector> Detectors { get; } = detectors;

    public IEnumerable<string> Types => Detectors.Select(d => d.Type);

    public DetectionResult Detect(NormalizedText text) =>
        Detect(text, [.. EncodedContent.Decode(text.Text).Select(d => (d.Blob, TextNormalizer.Normalize(d.Decoded).Text))]);

    /// <summary>
    /// Detects in <paramref name="text"/> and in the blobs already decoded from it (spans in the normalised
    /// text; the decoded texts normalised too).
    /// </summary>
    public DetectionResult Detect(NormalizedText text, IReadOnlyList<(TextSpan Blob, string Decoded)> decoded)
    {
        var findings = new List<Finding>();
        foreach (var detector in Detectors)
        {
            foreach (var span in detector.Detect(text.Text))
            {
                var original = text.ToOriginal(span);
                findings.Add(new Finding(detector.Type, detector.Category, original.Start, original.Length));
            }
        }

        foreach (var (blob, inner) in decoded)
        {
            var original = text.ToOriginal(blob);
            foreach (var detector in Detectors)
            {
                if (detector.Detect(inner).Any())
                {
                    findings.Add(new Finding(detector.Type, detector.Category, original.Start, original.Length));
                }
            }
        }

        if (findings.Count == 0)
        {
            return DetectionResult.Empty;
        }

        DropShadowedFindings(findings);
        findings.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        return new DetectionResult(findings);
    }

    // Checksummed formats win over looser ones they contain: 12 digits of an IBAN can pass Aadhaar's
    // Verhoeff check by chance (1 in 10), and grouped digits inside an IBAN or an SSN look like a phone.
    private static readonly Dictionary<string, int> Precedence = new(StringComparer.Ordinal)
    {
        ["iban"] = 3,
        ["payment_card"] = 3,
        ["national_id"] = 2,
        ["phone"] = 1,
    };

    private static void DropShadowedFindings(List<Finding> findings)
    {
        if (findings.Count < 2)
        {
            return;
        }

        findings.RemoveAll(inner => Precedence.TryGetValue(inner.Type, out var rank) && findings.Any(outer =>
            outer.Type != inner.Type
            && Precedence.TryGetValue(outer.Type, out var outerRank) && outerRank > rank
            && outer.Start <= inner.Start && inner.Start + inner.Length <= outer.Start + outer.Length));
    }

    public IDetector? Find(string type) => Detectors.FirstOrDefault(d => d.Type == type);
}
