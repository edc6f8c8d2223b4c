using System.Globalization;
using System.Text;

namespace Platform.Inference.Tokenizers.Bpe;

/// <summary>
/// Splits text the way GPT-2's pattern does before BPE runs on each piece:
/// <c>'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+</c>.
/// Written by hand rather than as a .NET regex because the reference (JavaScript's <c>/u</c>
/// regex, like Python's) classifies whole code points, while .NET's regex sees UTF-16 halves, so an
/// astral letter such as 𝐀 would fall into the wrong class; and because JavaScript's <c>\s</c>
/// is a different set from .NET's (it has U+FEFF, not U+0085).
/// </summary>
public static class Gpt2PreTokenizer
{
    private static readonly string[] Contractions = ["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    private enum CharClass
    {
        Letter,
        Number,
        Space,
        Other,
    }

    /// <summary>The pieces of <paramref name="text"/> as (start, length) in UTF-16 units, in order, covering all of it.</summary>
    public static IEnumerable<(int Start, int Length)> Split(string text)
    {
        var i = 0;
        while (i < text.Length)
        {
            var length = Match(text, i);
            yield return (i, length);
            i += length;
        }
    }

    private static int Match(string text, int start)
    {
        foreach (var contraction in Contractions)
        {
            if (string.CompareOrdinal(text, start, contraction, 0, contraction.Length) == 0)
            {
                return contraction.Length;
            }
        }

        var first = Classify(text, start, out var firstWidth);
        if (first != CharClass.Space)
        {
            return firstWidth + RunLength(text, start + firstWidth, first);
        }

        // A single ASCII space joins the letters, numbers or symbols that follow it.
        if (text[start] == ' ' && start + 1 < text.Length)
        {
            var after = Classify(text, start + 1, out _);
            if (after != CharClass.Space)
            {
                return 1 + RunLength(text, start + 1, after);
            }
        }

        // \s+(?!\S): a whitespace run stops one short of a following non-space (which takes that
        // space as its prefix, above) unless that would leave the run empty; \s+ then takes it whole.
        var run = RunLength(text, start, CharClass.Space);
        if (start + run == text.Length)
        {
            return run;
        }

        // Every whitespace character is one UTF-16 unit (all are in the BMP).
        return run > 1 ? run - 1 : run;
    }

    private static int RunLength(string text, int start, CharClass cls)
    {
        var i = start;
        while (i < text.Length && Classify(text, i, out var width) == cls)
        {
            i += width;
        }

        return i - start;
    }

    private static CharClass Classify(string text, int index, out int width)
    {
        if (Rune.TryGetRuneAt(text, index, out var rune))
        {
            width = rune.Utf16SequenceLength;
        }
        else
        {
            // A lone surrogate: the reference sees category Cs, i.e. neither letter, number nor space.
            width = 1;
            return CharClass.Other;
        }

        if (IsJavaScriptSpace(rune.Value))
        {
            return CharClass.Space;
        }

        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }

    /// <summary>ECMAScript's <c>\s</c>: WhiteSpace and LineTerminator (Unicode Zs, tab, VT, FF, BOM, LF, CR, LS, PS).</summary>
    private static bool IsJavaScriptSpace(int c) => c switch
    {
        '\t' or '\n' or '\v' or '\f' or '\r' or ' ' or '\u00a0' or '\u1680' or '\u2028' or '\u2029' or '\u202f' or '\u205f' or '\u3000' or '\ufeff' => true,
        >= '\u2000' and <= '\u200a' => true,
        _ => false,
    };
}
