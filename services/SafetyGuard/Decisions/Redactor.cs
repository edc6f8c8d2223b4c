using System.Buffers;
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

        // One pooled buffer sized for the worst case (every placeholder, nothing removed), then one string.
        var merged = new List<(int Start, int End, string Placeholder)>(ordered.Count);
        var capacity = original.Length;
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

            var placeholder = placeholderFor(first.Type);
            capacity += placeholder.Length;
            merged.Add((first.Start, end, placeholder));
        }

        var buffer = ArrayPool<char>.Shared.Rent(capacity);
        try
        {
            var length = 0;
            var position = 0;
            foreach (var (start, end, placeholder) in merged)
            {
                original.AsSpan(position, start - position).CopyTo(buffer.AsSpan(length));
                length += start - position;
                placeholder.CopyTo(buffer.AsSpan(length));
                length += placeholder.Length;
                position = end;
            }

            original.AsSpan(position).CopyTo(buffer.AsSpan(length));
            length += original.Length - position;
            return new string(buffer, 0, length);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
