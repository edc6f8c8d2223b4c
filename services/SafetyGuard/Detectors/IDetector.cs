using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// A local, deterministic check for one kind of sensitive content. Detectors run on normalised
/// text and report spans in it; <see cref="DetectorSet"/> maps them back to the original.
/// </summary>
public interface IDetector
{
    /// <summary>Stable type name used in findings, audit records and policies (e.g. <c>email</c>).</summary>
    string Type { get; }

    FindingCategory Category { get; }

    /// <summary>What replaces a finding of this type when it is redacted (e.g. <c>[EMAIL]</c>).</summary>
    string Placeholder { get; }

    IEnumerable<TextSpan> Detect(string text);
}
