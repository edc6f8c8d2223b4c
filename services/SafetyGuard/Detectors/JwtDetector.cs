using System.Buffers.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// JSON Web Tokens: three base64url segments whose first decodes to a JSON header naming an
/// <c>alg</c> and whose second decodes to a JSON object. Decoding rules out look-alikes such as
/// dotted identifiers that merely start with <c>eyJ</c>.
/// </summary>
public sealed partial class JwtDetector : IDetector
{
    public string Type => "jwt";

    public FindingCategory Category => FindingCategory.Secret;

    public string Placeholder => "[JWT]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        if (!text.Contains("eyJ", StringComparison.Ordinal))
        {
            yield break;
        }

        foreach (Match match in Pattern().Matches(text))
        {
            var parts = match.Value.Split('.');
            if (IsJsonObject(parts[0], requireAlg: true) && IsJsonObject(parts[1], requireAlg: false))
            {
                yield return new TextSpan(match.Index, match.Length);
            }
        }
    }

    private static bool IsJsonObject(string segment, bool requireAlg)
    {
        var bytes = new byte[Base64Url.GetMaxDecodedLength(segment.Length)];
        if (Base64Url.DecodeFromChars(segment, bytes, out _, out var written) != System.Buffers.OperationStatus.Done)
        {
            return false;
        }

        try
        {
            using var json = JsonDocument.Parse(bytes.AsMemory(0, written), new JsonDocumentOptions { MaxDepth = 16 });
            return json.RootElement.ValueKind == JsonValueKind.Object &&
                (!requireAlg || json.RootElement.TryGetProperty("alg", out var alg) && alg.ValueKind == JsonValueKind.String);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(
        @"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{4,65536}\.[A-Za-z0-9_-]{0,8192}(?![A-Za-z0-9_-])",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
