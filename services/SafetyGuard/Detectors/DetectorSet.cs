using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>The detectors a check runs, applied to normalised text with findings mapped back to the original.</summary>
public sealed class DetectorSet(IReadOnlyList<IDetector> detectors)
{
    /// <summary>Every built-in pattern detector: cheap, local, deterministic.</summary>
    public static DetectorSet Default { get; } = new(
    [
        new EmailDetector(),
        new PaymentCardDetector(),
        new IbanDetector(),
        new Ipv4Detector(),
        new PrivateKeyDetector(),
        new JwtDetector(),
        new AwsAccessKeyDetector(),
        new GitHubTokenDetector(),
    ]);

    public IReadOnlyList<IDetector> Detectors { get; } = detectors;

    public DetectionResult Detect(NormalizedText text)
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

        if (findings.Count == 0)
        {
            return DetectionResult.Empty;
        }

        findings.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : b.Length.CompareTo(a.Length));
        return new DetectionResult(findings);
    }

    public IDetector? Find(string type) => Detectors.FirstOrDefault(d => d.Type == type);
}
