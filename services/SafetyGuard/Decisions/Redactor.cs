using System.Text;
using Platform.SafetyGuard.Detectors;

namespace Platform.SafetyGuard.Decisions;

/// <summary>
/// Replaces findings in the original text with typed placeholders. Overlapping findings are
/// merged into one replacement named after the first, so no sensitive character survives between them.
/// </summary>
public static class Redactor
{
    public static string Redact(string original, IEnumerable<Finding> findings, Func<string, string> placeholderFor)
    {
        var ordered = findings.OrderBy(f => f.Start).ThenByDescending(f => f.Length).ToList();
        if (ordered.Count == 0)
        {
            return original;
        }

        var result = new StringBuilder(original.Length);
        var position = 0;
        var i = 0;
        while (i < ordered.Count)
        {
            var first = ordered[i];
            var end = first.Start + first.Length;
            i++;
            while (i < ordered.Count && ordered[i].Start < end)
            {
                end = Math.Max(end, ordered[i].Start + ordered[i].Length);
                i++;
            }

            result.Append(original, position, first.Start - position);
            result.Append(placeholderFor(first.Type));
            position = end;
        }

        result.Append(original, position, original.Length - position);
        return result.ToString();
    }
}
