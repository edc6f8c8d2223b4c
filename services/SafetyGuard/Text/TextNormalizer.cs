using System.Globalization;
using System.Text;

namespace Platform.SafetyGuard.Text;

/// <summary>
/// Undoes the cheap tricks that hide text from pattern detectors: compatibility forms (fullwidth
/// letters, ligatures, superscripts: Unicode NFKC), look-alike letters from other scripts
/// (Cyrillic and Greek, folded by <see cref="Homoglyphs"/>), and invisible characters (zero-width spaces and
/// joiners, bidi controls, soft hyphens) that split a token without changing how it looks.
/// Each base character is normalised together with its combining marks, so every normalised char
/// maps back to a range of the original text.
/// </summary>
public static class TextNormalizer
{
    /// <summary>
    /// False when the runtime cannot normalise Unicode (globalization-invariant mode, or no ICU):
    /// then only the fullwidth-ASCII fold below applies, and the service says so at start-up.
    /// </summary>
    public static bool IsUnicodeNormalizationAvailable { get; } = ProbeNormalization();

    public static NormalizedText Normalize(string original)
    {
        var span = original.AsSpan();
        if (!span.ContainsAnyExceptInRange((char)0, (char)0x7F))
        {
            // Pure ASCII is already NFKC and holds none of the invisible characters.
            return NormalizedText.Identity(original);
        }

        if (IsAlreadyNormal(span) && IsUnicodeNormalizationAvailable && original.IsNormalized(NormalizationForm.FormKC))
        {
            // Most non-ASCII text (accented words, other scripts) is NFKC already and hides nothing: the
            // loop below would rebuild the same string with an identity map, at 20 bytes per char.
            return NormalizedText.Identity(original);
        }

        var text = new StringBuilder(original.Length);
        var starts = new List<int>(original.Length);
        var ends = new List<int>(original.Length);
        var group = new StringBuilder();

        var i = 0;
        while (i < original.Length)
        {
            var c = original[i];
            // ASCII followed by ASCII cannot change; ASCII followed by a combining mark composes with it below.
            if (c < 0x80 && (i + 1 == original.Length || original[i + 1] < 0x80))
            {
                text.Append(c);
                starts.Add(i);
                ends.Add(i + 1);
                i++;
                continue;
            }

            var rune = Read(span, i, out var consumed);
            if (IsInvisible(rune))
            {
                i += consumed;
                continue;
            }

            // A base character and the combining marks that follow it normalise as one unit.
            var start = i;
            group.Clear();
            group.Append(rune.ToString());
            i += consumed;
            while (i < original.Length)
            {
                var next = Read(span, i, out var nextConsumed);
                if (!IsCombiningMark(next))
                {
                    break;
                }

                group.Append(next.ToString());
                i += nextConsumed;
            }

            foreach (var normalized in NormalizeGroup(group.ToString()))
            {
                text.Append(normalized);
                starts.Add(start);
                ends.Add(i);
            }
        }

        return NormalizedText.Mapped(original, text.ToString(), [.. starts], [.. ends]);
    }

    /// <summary>
    /// True when no character would be removed or folded: no invisible character, homoglyph, fullwidth
    /// form or lone surrogate. Whether NFKC changes anything is asked separately (of the whole text: when it
    /// is NFKC, so is every base character with its marks, which is the unit the loop normalises).
    /// </summary>
    private static bool IsAlreadyNormal(ReadOnlySpan<char> text)
    {
        var i = text.IndexOfAnyExceptInRange((char)0, (char)0x7F);
        while (i >= 0 && i < text.Length)
        {
            var c = text[i];
            if (c < 0x80)
            {
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf16(text[i..], out var rune, out var consumed) != System.Buffers.OperationStatus.Done
                || IsInvisible(rune) || IsFullwidth(c) || Homoglyphs.TryFold(c, out _))
            {
                return false;
            }

            i += consumed;
        }

        return true;
    }

    /// <summary>Characters that render as nothing (or only steer direction) and so can split a token unseen.</summary>
    public static bool IsInvisible(Rune rune) => rune.Value switch
    {
        0x00AD => true,                 // soft hyphen
        0x034F => true,                 // combining grapheme joiner
        0x061C => true,                 // Arabic letter mark
        0x115F or 0x1160 => true,       // Hangul fillers
        0x17B4 or 0x17B5 => true,       // Khmer inherent vowels
        0x180E => true,                 // Mongolian vowel separator
        >= 0x200B and <= 0x200F => true, // zero-width space, (non-)joiner, LRM, RLM
        >= 0x202A and <= 0x202E => true, // bidi embeddings and overrides
        >= 0x2060 and <= 0x2064 => true, // word joiner, invisible operators
        >= 0x2066 and <= 0x206F => true, // bidi isolates, deprecated format controls
        0x3164 or 0xFFA0 => true,       // Hangul fillers
        0xFEFF => true,                 // zero-width no-break space (BOM)
        >= 0xFE00 and <= 0xFE0F => true, // variation selectors
        >= 0xE0000 and <= 0xE007F => true, // tag characters
        _ => false,
    };

    private static Rune Read(ReadOnlySpan<char> text, int index, out int consumed)
    {
        // Lone surrogates (possible through JSON \u escapes) become U+FFFD instead of failing normalisation.
        if (Rune.DecodeFromUtf16(text[index..], out var rune, out consumed) != System.Buffers.OperationStatus.Done)
        {
            consumed = Math.Max(consumed, 1);
            return Rune.ReplacementChar;
        }

        return rune;
    }

    private static bool IsCombiningMark(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark or UnicodeCategory.EnclosingMark;

    private static string NormalizeGroup(string group)
    {
        var normalized = group.Normalize(NormalizationForm.FormKC);
        // Without ICU, Normalize returns its input; folding fullwidth ASCII keeps the commonest disguise covered.
        return normalized.Any(c => IsFullwidth(c) || Homoglyphs.TryFold(c, out _)) ? string.Create(normalized.Length, normalized, (chars, source) =>
        {
            for (var k = 0; k < source.Length; k++)
            {
                chars[k] = Homoglyphs.TryFold(source[k], out var folded) ? folded : Fold(source[k]);
            }
        }) : normalized;
    }

    private static bool IsFullwidth(char c) => c is >= '\uFF01' and <= '\uFF5E' or '\u3000';

    private static char Fold(char c) => c switch
    {
        >= '\uFF01' and <= '\uFF5E' => (char)(c - 0xFEE0),
        '\u3000' => ' ',
        _ => c,
    };

    private static bool ProbeNormalization()
    {
        try
        {
            return "\uFB01\u2460".Normalize(NormalizationForm.FormKC) == "fi1";
        }
        catch (PlatformNotSupportedException)
        {
            return false;
        }
    }
}
