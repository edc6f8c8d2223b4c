namespace Platform.SafetyGuard.Text;

/// <summary>A range of UTF-16 code units in a string.</summary>
public readonly record struct TextSpan(int Start, int Length)
{
    public int End => Start + Length;
}
