using System.Text.RegularExpressions;
using Platform.SafetyGuard.Text;

namespace Platform.SafetyGuard.Detectors;

/// <summary>
/// PEM and OpenSSH/PGP private key blocks (<c>-----BEGIN ... PRIVATE KEY-----</c>). The finding covers
/// the whole block up to its END line, or, when the block was cut off, the key material that follows.
/// </summary>
public sealed partial class PrivateKeyDetector : IDetector
{
    // The largest armoured keys (RSA 16384, PGP key rings) stay well under this.
    private const int MaxBlockChars = 64 * 1024;

    public string Type => "private_key";

    public FindingCategory Category => FindingCategory.Secret;

    public string Placeholder => "[PRIVATE_KEY]";

    public IEnumerable<TextSpan> Detect(string text)
    {
        var from = 0;
        while (from < text.Length)
        {
            var begin = Begin().Match(text, from);
            if (!begin.Success)
            {
                yield break;
            }

            var bodyStart = begin.Index + begin.Length;
            var window = Math.Min(MaxBlockChars, text.Length - bodyStart);
            var end = End().Match(text, bodyStart, window);
            int blockEnd;
            if (end.Success)
            {
                blockEnd = end.Index + end.Length;
            }
            else
            {
                blockEnd = bodyStart;
                while (blockEnd < text.Length && blockEnd - bodyStart < MaxBlockChars && IsKeyMaterial(text[blockEnd]))
                {
                    blockEnd++;
                }

                while (blockEnd > bodyStart && char.IsWhiteSpace(text[blockEnd - 1]))
                {
                    blockEnd--;
                }
            }

            yield return new TextSpan(begin.Index, blockEnd - begin.Index);
            from = blockEnd;
        }
    }

    // Base64 and the header lines of encrypted PEM ("Proc-Type: 4,ENCRYPTED").
    private static bool IsKeyMaterial(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or ':' or ',' or '-' or ' ' or '\t' or '\r' or '\n';

    [GeneratedRegex(@"-----BEGIN (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex Begin();

    [GeneratedRegex(@"-----END (?:[A-Z0-9]+ ){0,4}PRIVATE KEY(?: BLOCK)?-----", RegexOptions.CultureInvariant)]
    private static partial Regex End();
}
