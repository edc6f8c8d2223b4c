namespace Platform.SafetyGuard.Text;

/// <summary>
/// A text as the detectors see it (<see cref="Text"/>) together with the text the caller sent
/// (<see cref="Original"/>), and the map between them, so that a finding in the normalised text
/// can be reported and redacted at the right place in the original.
/// </summary>
public sealed class NormalizedText
{
    // For each char of Text: the original range it came from. Null when Text is Original.
    private readonly int[]? _starts;
    private readonly int[]? _ends;

    private NormalizedText(string original, string text, int[]? starts, int[]? ends)
    {
        Original = original;
        Text = text;
        _starts = starts;
        _ends = ends;
    }

    public string Original { get; }

    public string Text { get; }

    public bool IsIdentity => _starts is null;

    public static NormalizedText Identity(string text) => new(text, text, null, null);

    public static NormalizedText Mapped(string original, string text, int[] starts, int[] ends) =>
        new(original, text, starts, ends);

    /// <summary>The range of the original text that produced <paramref name="span"/> of the normalised text.</summary>
    public TextSpan ToOriginal(TextSpan span)
    {
        if (_starts is null || _ends is null)
        {
            return span;
        }

        if (span.Length == 0)
        {
            var at = span.Start < _starts.Length ? _starts[span.Start] : Original.Length;
            return new TextSpan(at, 0);
        }

        var start = _starts[span.Start];
        var end = _ends[span.End - 1];
        return new TextSpan(start, end - start);
    }
}
