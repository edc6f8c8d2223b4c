using System.Security.Cryptography;
using System.Text;

namespace Platform.Ingest.Documents;

/// <summary>
/// Identity of a document's content: SHA-256 of its text as UTF-8, lower-case hex. Submitting the
/// same text again (whatever its title, tags or content type) finds the document already stored.
/// </summary>
public static class ContentHash
{
    public static string Of(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}
